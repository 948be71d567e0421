// Command metadata shows how to keep your own data in an organization's trusted_metadata with
// the client: writing it from a struct, reading it with typed getters or into a struct, changing
// it with patches that Stytch merges, predicting the result, and the limits Stytch sets.
//
//	go run ./examples/metadata
//
// Offline it runs against the mock server in this process; with STYTCH_PROJECT_ID and
// STYTCH_SECRET set it calls Stytch's API, with a unique slug, and deletes the organization it
// creates before it exits.
//
// Members carry metadata too: trusted_metadata, which only your backend can write, and
// untrusted_metadata, which members may change themselves. Both work exactly like the
// organization's below (MemberCreateParams and MemberUpdateParams).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/examples/internal/exampleenv"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// Billing is what this application keeps about a customer in its organization's
// trusted_metadata. Its json tags are the metadata keys.
type Billing struct {
	SubscriptionTier string       `json:"subscription_tier"`
	BillingID        string       `json:"billing_id"`
	Seats            int          `json:"seats"`
	FeatureFlags     FeatureFlags `json:"feature_flags"`
	TrialEnds        *time.Time   `json:"trial_ends,omitempty"`
}

// FeatureFlags is a nested object of the metadata.
type FeatureFlags struct {
	AuditLog    bool `json:"audit_log"`
	BetaReports bool `json:"beta_reports"`
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("metadata: ")
	if err := run(context.Background()); err != nil {
		log.Fatalf("FAILED: %v", err)
	}
}

// run writes, reads and changes one organization's metadata, then runs into the limits; each
// part is a function below.
func run(ctx context.Context) error {
	c, srv, done := exampleenv.Connect("metadata")
	defer done()

	org, err := writeFromStruct(ctx, c)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := c.Organizations.Delete(ctx, org.ID); err != nil {
			log.Printf("clean-up: deleting %s: %v", org.Slug, err)
		}
	}()
	if err := readBack(org); err != nil {
		return err
	}
	if org, err = changeWithAPatch(ctx, c, org); err != nil {
		return err
	}
	if err := refusedBeforeSending(ctx, c, srv, org); err != nil {
		return err
	}
	return refusedByStytch(ctx, c, org)
}

// ── Write metadata from a struct ───────────────────────────────────────────────────────────
// MetadataOf encodes a struct as Metadata, through its json tags.
func writeFromStruct(ctx context.Context, c *client.Client) (*client.Organization, error) {
	trialEnds := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	initial, err := client.MetadataOf(Billing{
		SubscriptionTier: "growth",
		BillingID:        "cus_9f2K3",
		Seats:            25,
		FeatureFlags:     FeatureFlags{AuditLog: true},
		TrialEnds:        &trialEnds,
	})
	if err != nil {
		return nil, err
	}
	org, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{
		Name:            "Acme Corporation",
		Slug:            exampleenv.Unique("acme-corp"),
		TrustedMetadata: initial, // stored as it is
	})
	if err != nil {
		return nil, fmt.Errorf("creating the organization: %w", err)
	}
	show("stored on create", org.TrustedMetadata)
	return org, nil
}

// ── Read it back ───────────────────────────────────────────────────────────────────────────
// Metadata arrives as decoded JSON: strings, float64 numbers, bools, []any and map[string]any
// (an integer beyond 2^53, which a float64 would round, arrives as a json.Number). The getters
// check the type for you and report whether the key held it.
func readBack(org *client.Organization) error {
	tier, _ := org.TrustedMetadata.String("subscription_tier")
	seats, _ := org.TrustedMetadata.Int("seats") // a JSON number without a fraction
	flags, _ := org.TrustedMetadata.Map("feature_flags")
	auditLog, _ := flags.Bool("audit_log")
	_, isString := org.TrustedMetadata.String("seats") // wrong type: "", false
	fmt.Printf("getters: tier %q, seats %d, audit_log %t; seats as a string? %t\n", tier, seats, auditLog, isString)

	// Or decode the whole object into the struct it was written from.
	var billing Billing
	if err := org.TrustedMetadata.Decode(&billing); err != nil {
		return fmt.Errorf("decoding: %w", err)
	}
	fmt.Printf("decoded: tier %q, %d seats, flags %+v, trial ends %s\n",
		billing.SubscriptionTier, billing.Seats, billing.FeatureFlags, billing.TrialEnds.Format(time.DateOnly))
	return nil
}

// ── Change it with a patch ─────────────────────────────────────────────────────────────────
// An update merges a MetadataPatch into the stored object at the top level: each key Set
// replaces the stored key whole (a nested object is not merged: feature_flags loses audit_log
// below), each key Deleted is sent as null and removed, and keys the patch does not name
// (billing_id) stay as they are.
func changeWithAPatch(ctx context.Context, c *client.Client, org *client.Organization) (*client.Organization, error) {
	patch := client.MetadataPatch{}.
		Set("subscription_tier", "enterprise").
		Set("seats", 250).
		Set("feature_flags", map[string]any{"beta_reports": true}).
		Delete("trial_ends")
	printJSON("patch sent", patch)

	// Apply computes what Stytch will store, without a request.
	predicted := org.TrustedMetadata.Apply(patch)
	show("predicted by Apply", predicted)

	org, err := c.Organizations.Update(ctx, org.ID, client.OrganizationUpdateParams{TrustedMetadata: patch})
	if err != nil {
		return nil, fmt.Errorf("updating: %w", err)
	}
	show("stored after update", org.TrustedMetadata)
	// Compare as JSON: the prediction holds the patch's Go values (seats is the int 250), the
	// stored object their decoded JSON (the float64 250).
	if jsonOf(predicted) != jsonOf(org.TrustedMetadata) {
		return nil, errors.New("the stored object differs from what Apply predicted")
	}
	fmt.Println("Apply predicted the stored object exactly")
	return org, nil
}

// ── The limits ─────────────────────────────────────────────────────────────────────────────
// A metadata object holds at most 20 top-level keys and 4 KB (4096 bytes of compact JSON). The
// client refuses metadata that can never fit before sending anything: the error is a
// *client.ValidationError, which matches client.ErrInvalidRequest.
func refusedBeforeSending(ctx context.Context, c *client.Client, srv *mockserver.Server, org *client.Organization) error {
	fmt.Printf("\nlimits: %d keys, %d bytes\n", client.MetadataMaxKeys, client.MetadataMaxBytes)
	tooManyKeys := client.MetadataPatch{}
	for i := range client.MetadataMaxKeys + 1 {
		tooManyKeys.Set(fmt.Sprintf("key_%02d", i), i)
	}
	tooLarge := client.MetadataPatch{}.Set("notes", strings.Repeat("x", client.MetadataMaxBytes))
	for _, bad := range []struct {
		what  string
		patch client.MetadataPatch
	}{
		{"21 keys", tooManyKeys},
		{"a 4 KB value", tooLarge},
	} {
		sentBefore := requestCount(srv)
		_, err := c.Organizations.Update(ctx, org.ID, client.OrganizationUpdateParams{TrustedMetadata: bad.patch})
		var ve *client.ValidationError
		if !errors.As(err, &ve) {
			return fmt.Errorf("%s: want a *client.ValidationError, got %v", bad.what, err)
		}
		fmt.Printf("%s: %v\n", bad.what, err)
		fmt.Printf("  Field %s, ErrorType %s, errors.Is(err, client.ErrInvalidRequest) %t",
			ve.Field, ve.ErrorType, errors.Is(err, client.ErrInvalidRequest))
		if srv != nil {
			fmt.Printf(", requests sent %d", requestCount(srv)-sentBefore)
		}
		fmt.Println()
	}
	return nil
}

// The client cannot see the stored object, so a patch that fits alone but overflows once
// merged is sent, and Stytch refuses it with a 400 of the same error type. A rejected update
// changes nothing. If you hold the stored object, Apply and Check predict it.
func refusedByStytch(ctx context.Context, c *client.Client, org *client.Organization) error {
	newKeys := client.MetadataPatch{}
	for i := range client.MetadataMaxKeys + 1 - len(org.TrustedMetadata) {
		newKeys.Set(fmt.Sprintf("region_%02d", i), "eu")
	}
	fmt.Printf("\n%d new keys on top of the %d stored ones\n", len(newKeys), len(org.TrustedMetadata))
	if err := org.TrustedMetadata.Apply(newKeys).Check(); err != nil {
		fmt.Printf("  predicted locally: %v\n", err)
	}
	_, err := c.Organizations.Update(ctx, org.ID, client.OrganizationUpdateParams{TrustedMetadata: newKeys})
	var se *client.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("want a *client.Error from Stytch, got %v", err)
	}
	fmt.Printf("  answered by Stytch: %d %s (errors.Is(err, client.ErrInvalidRequest) %t)\n",
		se.StatusCode, se.ErrorType, errors.Is(err, client.ErrInvalidRequest))
	unchanged, err := c.Organizations.Get(ctx, org.ID)
	if err != nil {
		return err
	}
	fmt.Printf("  still stored: %d keys\n", len(unchanged.TrustedMetadata))
	return nil
}

func show(label string, m client.Metadata) { printJSON(label, m) }

func printJSON(label string, v any) { fmt.Printf("%-20s %s\n", label+":", jsonOf(v)) }

// jsonOf encodes v as compact JSON; maps encode with sorted keys.
func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// requestCount is how many requests the mock has received; 0 against Stytch.
func requestCount(srv *mockserver.Server) int {
	if srv == nil {
		return 0
	}
	return len(srv.Requests())
}
