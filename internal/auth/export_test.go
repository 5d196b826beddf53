package auth

// HoldTokenUses makes s's token-use writes wait until the test runs them
// (the returned function runs the scheduled writes, in order).
func HoldTokenUses(s *Service) (runAll func()) {
	var held []func()
	s.used.schedule = func(run func()) { held = append(held, run) }
	return func() {
		for len(held) > 0 {
			run := held[0]
			held = held[1:]
			run()
		}
	}
}
