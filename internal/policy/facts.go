package policy

// Facts a person or HR declares for the eligibility rules.

// Facts are a person's declared facts for eligibility.
type Facts struct {
	Reasons     []string
	HasTerminal bool
	Seconded    bool
}
