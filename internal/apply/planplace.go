package apply

import "telework/internal/policy"

// planPlace is where the plan checker rates the planned tasks: a
// satellite office by its name (the inventory knows its places by name or
// id), any other place by its code.
func planPlace(place, name string) string {
	if place == policy.PlaceSatellite && name != "" {
		return name
	}
	return place
}
