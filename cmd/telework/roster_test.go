package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRosterSolveCLI(t *testing.T) {
	dir := t.TempDir()
	inst := filepath.Join(dir, "i.json")
	if err := os.WriteFile(inst, []byte(`{"schema":"roster-instance/1","name":"cli","days":["2026-06-10"],
	 "staff":[{"id":"a","qualifications":["counter"]},{"id":"b"}],"minOnsite":[1],
	 "duties":[{"id":"counter","name":"窓口当番","minOnsite":[2]}],
	 "maxTelePerWeek":null,"cohorts":null,"targetReduction":null,"previousPlan":null,"weights":{"preference":1}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if err := cmdRoster(context.Background(), []string{"solve", inst, "--time-limit", "2s"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	var plan struct {
		Schema        string              `json:"schema"`
		Status        string              `json:"status"`
		ViolationCost json.Number         `json:"violationCost"`
		Assignments   map[string][]string `json:"assignments"`
	}
	if err := json.Unmarshal(out.Bytes(), &plan); err != nil {
		t.Fatalf("stdout is not a plan: %v\n%s", err, out.String())
	}
	if plan.Schema != "roster-plan/1" || plan.Status != "infeasible" || plan.ViolationCost != "10" || len(plan.Assignments) != 2 {
		t.Errorf("plan %+v", plan)
	}
	if !strings.Contains(errb.String(), "6月10日: 窓口当番の有資格者が1名不足") {
		t.Errorf("stderr lacks the Japanese violation: %s", errb.String())
	}

	for _, args := range [][]string{{}, {"frob"}, {"solve"}, {"solve", inst, "--time-limit", "0s"}} {
		err := cmdRoster(context.Background(), args, &out, &errb)
		if _, ok := err.(usageError); !ok {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	if err := cmdRoster(context.Background(), []string{"solve", filepath.Join(dir, "missing.json")}, &out, &errb); err == nil {
		t.Error("missing file accepted")
	}
}
