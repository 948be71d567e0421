// Package api is generated from openapi.yaml by oapi-codegen (see oapi-codegen.yaml at the
// repository root); nothing in it but this file and generate.go is written by hand.
//
// It holds the wire models, the low-level HTTP client that package client wraps, and the strict
// server interface that package mockserver implements. Users import package client instead.
package api
