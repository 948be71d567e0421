// Package conctest tests the mock under concurrency, and holds no code but its tests: a random
// workload of 64 goroutines checked against a model built only from the operations that
// succeeded, and checks that a server leaves no goroutines behind and keeps a steady heap
// across Reset.
//
// The model cannot know the order in which the server applied two concurrent requests, so every
// check is one that holds whatever that order was. Each request is bracketed by two ticks of a
// logical clock (s before it is sent, e after its answer is read); the server applied it at some
// instant between them. From that:
//
//   - an object surely exists during [s, e] when its create answered before s and no delete of it
//     was sent before e; it may exist when its create was sent before e and no successful delete
//     of it answered before s. A search total or member count must lie between the two counts.
//   - a field (a register) may hold a value during [s, e] when some successful write of that value
//     was sent before e and no other successful write both started after it ended and ended
//     before s. After the run, a field must hold a value that no later-started write superseded.
//   - metadata keys have one writer each (goroutine g owns key gNN on every object), so the model
//     knows every key's value exactly.
//   - a 404 needs a successful delete sent before the 404 was read; a conflict needs another
//     object that may have held the slug or email during the request.
//
// The workload runs for a number of operations, not for a time, and until it has produced
// every kind of answer it is meant to check, so that a slow or loaded machine makes it slower,
// never failing.
package conctest
