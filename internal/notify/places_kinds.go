package notify

// Kinds written by internal/places and internal/devices (issue 14) beyond
// PlaceCapacityReduced.
const (
	// DeviceCapacityReduced tells a person their device reservation is
	// beyond a pool's reduced capacity (kept, not cancelled).
	DeviceCapacityReduced Kind = "device_capacity_reduced"
	// BookedForYou tells a person that someone else (their supervisor, HR
	// or IT) booked a seat or reserved a device on their behalf.
	BookedForYou Kind = "booked_for_you"
	// CancelledForYou tells a person that someone else cancelled their
	// booking or device reservation.
	CancelledForYou Kind = "cancelled_for_you"
	// ShortageForecast tells the IT admins that demand is forecast to
	// exceed an office's or a pool's capacity in a coming week.
	ShortageForecast Kind = "shortage_forecast"
	// DeviceOverdue tells a person their lent device is past its due day.
	DeviceOverdue Kind = "device_overdue"
	// PlaceRulesChanged tells a person the office's rules (a closed day,
	// its hours, pre-registration) now refuse their booking (kept).
	PlaceRulesChanged Kind = "place_rules_changed"
)

func init() {
	RegisterKind(DeviceCapacityReduced, false)
	RegisterKind(BookedForYou, false)
	RegisterKind(CancelledForYou, false)
	RegisterKind(ShortageForecast, false)
	RegisterKind(DeviceOverdue, false)
	RegisterKind(PlaceRulesChanged, false)
}
