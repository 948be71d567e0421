package contracttest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/b2bkit/stytchorgs/client"
)

func TestMetadataIsStoredAsSent(t *testing.T) {
	check(t, rule{name: "metadata stored as sent", area: areaMetadata, says: "metadata given on create is stored as it is: nested objects, arrays, numbers, null values"}, func(c *ct) {
		md := client.Metadata{"plan": "pro", "seats": 12.0, "nested": map[string]any{"a": []any{1.0, "two", nil}}, "flag": true}
		want := canonicalJSON(c, md)
		o := c.org(client.OrganizationCreateParams{TrustedMetadata: md})
		if got := canonicalJSON(c, o.TrustedMetadata); got != want {
			c.Errorf("organization trusted_metadata = %s, want %s", got, want)
		}
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), TrustedMetadata: md, UntrustedMetadata: md})
		got, err := c.c.Members.Get(c.ctx, o.ID, m.ID)
		c.must(err, "getting the member")
		for field, v := range map[string]client.Metadata{"trusted_metadata": got.TrustedMetadata, "untrusted_metadata": got.UntrustedMetadata} {
			if g := canonicalJSON(c, v); g != want {
				c.Errorf("member %s = %s, want %s", field, g, want)
			}
		}
	})
}

// mergeCase is the patch the merge rules apply to stored {"a":1,"b":{"x":1,"y":2},"c":"keep"}:
// a replaced, b replaced whole (its y is gone), c deleted, d added.
var (
	mergeStored = client.Metadata{"a": 1.0, "b": map[string]any{"x": 1.0, "y": 2.0}, "c": "keep"}
	mergePatch  = client.MetadataPatch{}.Set("a", 2.0).Set("b", map[string]any{"x": 9.0}).Delete("c").Set("d", true)
	mergeWant   = `{"a":2,"b":{"x":9},"d":true}`
)

func TestOrganizationMetadataMergesAtTheTopLevel(t *testing.T) {
	check(t, rule{name: "organization metadata merge", area: areaMetadata, says: "an update merges trusted_metadata at the top level: a key sent replaces the stored one whole, null deletes, {} changes nothing"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{TrustedMetadata: mergeStored})
		o, err := c.c.Organizations.Update(c.ctx, o.ID, client.OrganizationUpdateParams{TrustedMetadata: mergePatch})
		c.must(err, "updating trusted_metadata")
		if got := canonicalJSON(c, o.TrustedMetadata); got != mergeWant {
			c.Errorf("after the merge trusted_metadata = %s, want %s", got, mergeWant)
		}
		// The client sends no empty patch; the wire may.
		a := c.raw("PUT", "/v1/b2b/organizations/"+o.ID, map[string]any{"trusted_metadata": map[string]any{}})
		c.wantRaw(a, 200, "")
		var after client.Organization
		c.must(a.field("organization", &after), "reading the answer")
		if got := canonicalJSON(c, after.TrustedMetadata); got != mergeWant {
			c.Errorf("after an empty patch trusted_metadata = %s, want %s unchanged", got, mergeWant)
		}
	})
}

func TestMemberMetadataMergesAtTheTopLevel(t *testing.T) {
	check(t, rule{name: "member metadata merge", area: areaMetadata, says: "an update merges a member's trusted_metadata and untrusted_metadata at the top level, each on its own"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), TrustedMetadata: mergeStored, UntrustedMetadata: mergeStored})
		m, err := c.c.Members.Update(c.ctx, o.ID, m.ID, client.MemberUpdateParams{UntrustedMetadata: mergePatch})
		c.must(err, "updating untrusted_metadata")
		if got := canonicalJSON(c, m.UntrustedMetadata); got != mergeWant {
			c.Errorf("untrusted_metadata = %s, want %s", got, mergeWant)
		}
		if got, want := canonicalJSON(c, m.TrustedMetadata), canonicalJSON(c, mergeStored); got != want {
			c.Errorf("trusted_metadata = %s, want %s untouched", got, want)
		}
		m, err = c.c.Members.Update(c.ctx, o.ID, m.ID, client.MemberUpdateParams{TrustedMetadata: mergePatch})
		c.must(err, "updating trusted_metadata")
		if got := canonicalJSON(c, m.TrustedMetadata); got != mergeWant {
			c.Errorf("trusted_metadata = %s, want %s", got, mergeWant)
		}
	})
}

// keys returns metadata of n keys k0… with small values.
func keys(from, n int) client.MetadataPatch {
	p := client.MetadataPatch{}
	for i := from; i < from+n; i++ {
		p = p.Set(fmt.Sprintf("k%d", i), i)
	}
	return p
}

func TestMetadataKeyLimitAppliesAfterTheMerge(t *testing.T) {
	check(t, rule{name: "20 keys after the merge", area: areaMetadata, says: "metadata holds at most 20 top-level keys after the merge: 15 stored and 5 added fit, one more is metadata_too_many_keys and changes nothing"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{TrustedMetadata: client.Metadata(keys(0, 15))})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), UntrustedMetadata: client.Metadata(keys(0, 15))})
		_, err := c.c.Organizations.Update(c.ctx, o.ID, client.OrganizationUpdateParams{TrustedMetadata: keys(15, 6)})
		c.wantError(err, 400, "metadata_too_many_keys")
		_, err = c.c.Members.Update(c.ctx, o.ID, m.ID, client.MemberUpdateParams{UntrustedMetadata: keys(15, 6)})
		c.wantError(err, 400, "metadata_too_many_keys")
		got, err := c.c.Organizations.Get(c.ctx, o.ID)
		c.must(err, "getting the organization")
		if len(got.TrustedMetadata) != 15 {
			c.Errorf("the refused update left %d keys, want the 15 stored", len(got.TrustedMetadata))
		}
		// Deleting one key makes room for another: the limit counts what the merge stores.
		o, err = c.c.Organizations.Update(c.ctx, o.ID, client.OrganizationUpdateParams{TrustedMetadata: keys(15, 6).Delete("k0")})
		c.must(err, "updating to exactly 20 keys")
		if len(o.TrustedMetadata) != 20 {
			c.Errorf("after the update %d keys, want 20", len(o.TrustedMetadata))
		}
	})
}

func TestMetadataSizeLimitAppliesAfterTheMerge(t *testing.T) {
	check(t, rule{name: "4096 bytes after the merge", area: areaMetadata, says: "metadata holds at most 4096 bytes of compact JSON after the merge: exactly 4096 fit, 4097 is metadata_too_large and changes nothing"}, func(c *ct) {
		stored := client.Metadata{"a": strings.Repeat("x", 2000)}
		o := c.org(client.OrganizationCreateParams{TrustedMetadata: stored})
		// With b of n characters the merged object is {"a":"…","b":"…"}: find the n that makes
		// it exactly 4096 bytes.
		size := func(n int) int {
			b, _ := json.Marshal(map[string]any{"a": stored["a"], "b": strings.Repeat("y", n)})
			return len(b)
		}
		n := client.MetadataMaxBytes - size(0)
		if size(n) != client.MetadataMaxBytes {
			c.Fatalf("bug in the suite: %d bytes, want %d", size(n), client.MetadataMaxBytes)
		}
		_, err := c.c.Organizations.Update(c.ctx, o.ID, client.OrganizationUpdateParams{TrustedMetadata: client.MetadataPatch{}.Set("b", strings.Repeat("y", n+1))})
		c.wantError(err, 400, "metadata_too_large")
		got, err := c.c.Organizations.Get(c.ctx, o.ID)
		c.must(err, "getting the organization")
		if _, ok := got.TrustedMetadata["b"]; ok {
			c.Errorf("the refused update stored b")
		}
		_, err = c.c.Organizations.Update(c.ctx, o.ID, client.OrganizationUpdateParams{TrustedMetadata: client.MetadataPatch{}.Set("b", strings.Repeat("y", n))})
		c.must(err, "updating to exactly 4096 bytes")
	})
}
