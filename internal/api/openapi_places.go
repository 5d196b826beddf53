package api

import (
	"telework/internal/devices"
	"telework/internal/places"
	"telework/internal/tasks"
)

// placesSchemas are the OpenAPI schemas of the offices, bookings, device
// pools and reservations (issue 14).
func placesSchemas() map[string]any {
	return map[string]any{
		"Office":                 officeSchema(false),
		"OfficeInput":            officeSchema(true),
		"OfficeDayUse":           dayUseSchema(),
		"OfficeRegistration":     obj([]string{"staff_id"}, map[string]any{"staff_id": integer("the person registered")}),
		"Booking":                bookingSchema(),
		"BookingInput":           bookingInputSchema(),
		"DevicePool":             poolSchema(false),
		"DevicePoolInput":        poolSchema(true),
		"DeviceReservation":      reservationSchema(),
		"DeviceReservationInput": reservationInputSchema(),
		"DeviceLendInput":        obj([]string{"asset_no"}, map[string]any{"asset_no": str("資産番号 (scanned barcode)")}),
		"PersonalDevice": obj([]string{"id", "staff_id", "staff_name", "description", "os", "status", "expires_on", "requested_at"}, map[string]any{
			"id": integer("id"), "staff_id": integer("the owner"), "staff_name": str("氏名"), "description": str("端末"), "os": str("OS"),
			"status":     enum([]devices.PersonalStatus{devices.Requested, devices.Approved, devices.Rejected, devices.Revoked}, "status"),
			"expires_on": str("YYYY-MM-DD once approved, else empty"), "requested_at": dateTime("requested at")}),
		"PersonalDeviceInput": obj([]string{"description"}, map[string]any{"description": str("端末 (e.g. 自宅のノートPC)"), "os": str("OS")}),
		"PersonalDeviceDecision": obj([]string{"status"}, map[string]any{
			"status":     enum([]devices.PersonalStatus{devices.Approved, devices.Rejected, devices.Revoked}, "decision"),
			"expires_on": str("YYYY-MM-DD, required to approve")}),
		"PlacesUsage": obj([]string{"type", "id", "name", "date", "count", "hours", "occupancy"}, map[string]any{
			"type": enum([]string{"office", "pool"}, "office or pool"), "id": integer("office or pool id"), "name": str("名称"),
			"date": str("YYYY-MM-DD"), "count": integer("延べ利用回数"), "hours": map[string]any{"type": "number", "description": "hours (offices)"},
			"occupancy": map[string]any{"type": "number", "description": "share of the capacity used"}}),
		"PlacesForecast": forecastSchema(),
		"ShortageWarning": obj([]string{"type", "id", "name", "week_of", "peak_day", "peak", "capacity", "warned_at"}, map[string]any{
			"type": enum([]string{"office", "pool"}, "office or pool"), "id": integer("office or pool id"), "name": str("名称"),
			"week_of": str("the Monday YYYY-MM-DD"), "peak_day": str("the busiest day"), "peak": integer("expected demand that day"),
			"capacity": integer("capacity"), "warned_at": dateTime("when the IT admins were told")}),
		"RemoteCredentialInput": obj(nil, map[string]any{"date": str("today in Japan, YYYY-MM-DD (optional: today); any other day is refused with 422 on date")}),
		"RemoteCredential": obj([]string{"date", "login", "password", "expires_at"}, map[string]any{
			"date": str("the day"), "login": str("ID"), "password": str("shown once; only its hash is stored"), "expires_at": dateTime("the day's end (Japan time)")}),
	}
}

func officeSchema(input bool) map[string]any {
	props := map[string]any{
		"name":              str("名称 (unique in the tenant)"),
		"kind":              enum(tasks.PlaceKinds, "本庁舎内 / 支所 / 公民館 / 図書館 / 出先機関 / 民間シェアオフィス"),
		"network":           enum(tasks.Networks, "庁内LAN同等 or internet only; required when registering (no default)"),
		"physical_security": boolean("庁舎と同等の物理的な対策"),
		"seats":             integer("席数 (0–100000; 0 for private_share, which has no seat cap)"),
		"pcs":               integer("予約できるPC"),
		"phone":             boolean("電話あり"),
		"printer":           boolean("プリンターあり"),
		"opens":             str("開館 HH:MM"),
		"closes":            str("閉館 HH:MM"),
		"closed_days":       arrayOf(str("weekday (sun … sat; also Saturday, 土, 土曜, 土曜日 — stored as sun … sat) or date YYYY-MM-DD")),
		"pre_registration":  boolean("事前登録が必要 (民間事業者)"),
		"horizon_days":      integer("予約できる日数 (先)"),
		"hourly":            boolean("per-hour use without a seat cap (always true for private_share, whatever is sent)"),
		"outsiders":         boolean("部外者がいる (always true for private_share, whatever is sent)"),
		"address":           str("所在地"),
		"note":              str("備考"),
	}
	if !input {
		props["affected_bookings"] = arrayOf(bookingSchema())
	}
	return meta(input, []string{"name", "kind", "network", "physical_security", "seats", "pcs", "phone", "printer", "opens", "closes",
		"closed_days", "pre_registration", "horizon_days", "hourly", "outsiders", "address", "note"}, props)
}

func dayUseSchema() map[string]any {
	return obj([]string{"date", "half", "seats", "pcs", "used_seats", "used_pcs", "free_seats", "free_pcs", "closed", "beyond_capacity"}, map[string]any{
		"date": str("YYYY-MM-DD"), "half": enum([]places.Half{places.AM, places.PM}, "午前 / 午後"),
		"seats": integer("capacity (-1: no cap)"), "pcs": integer("PCs (-1: no cap)"),
		"used_seats": integer("booked"), "used_pcs": integer("PCs booked"),
		"free_seats": integer("free (-1: no cap)"), "free_pcs": integer("free PCs (PCs are capped at every office)"),
		"closed": boolean("休館日"), "beyond_capacity": boolean("more booked than the capacity (after a reduction)"),
	})
}

func bookingSchema() map[string]any {
	return obj([]string{"id", "office_id", "office_name", "staff_id", "staff_name", "date", "half", "pc", "application_id", "status", "checked_in", "created_at"}, map[string]any{
		"id": integer("id"), "office_id": integer("office"), "office_name": str("office name"),
		"staff_id": integer("the person"), "staff_name": str("氏名"), "date": str("YYYY-MM-DD"),
		"half":           enum(places.Halves, "午前 / 午後 / 終日"),
		"pc":             boolean("a PC is booked too"),
		"application_id": integer("the application (0: none)"),
		"status":         enum([]places.Status{places.Booked, places.Cancelled}, "status"),
		"checked_in":     boolean("checked in"),
		"created_at":     dateTime("booked at"),
	})
}

func bookingInputSchema() map[string]any {
	return obj([]string{"office_id", "date", "half"}, map[string]any{
		"office_id": integer("office"), "date": str("YYYY-MM-DD"), "half": enum(places.Halves, "午前 / 午後 / 終日 (both halves)"),
		"pc": boolean("book a PC too"), "staff_id": integer("book on someone's behalf (their supervisor, HR, IT)"),
		"application_id": integer("the application the booking serves"),
	})
}

func poolSchema(input bool) map[string]any {
	props := map[string]any{
		"name":      str("名称"),
		"kind":      enum(devices.Kinds, "貸出PC / タブレット / LTEドングル / モバイルWi-Fi / 公用携帯 / VPN・VDI同時接続 / リモートアクセスID"),
		"capacity":  integer("units (or concurrent sessions) a day"),
		"loan_days": integer("days a lent device may stay out"),
		"note":      str("備考"),
	}
	if !input {
		props["affected_reservations"] = arrayOf(reservationSchema())
		props["affected_credentials"] = arrayOf(obj([]string{"id", "staff_id", "staff_name", "date", "login"}, map[string]any{
			"id": integer("credential id"), "staff_id": integer("the holder"), "staff_name": str("氏名"),
			"date": str("the day it was issued for, YYYY-MM-DD"), "login": str("its login (never the password)"),
		}))
	}
	return meta(input, []string{"name", "kind", "capacity", "loan_days", "note"}, props)
}

func reservationSchema() map[string]any {
	return obj([]string{"id", "pool_id", "pool_name", "staff_id", "staff_name", "date", "application_id", "status", "asset_no", "due_date", "created_at"}, map[string]any{
		"id": integer("id"), "pool_id": integer("pool"), "pool_name": str("pool name"), "staff_id": integer("the person"),
		"staff_name": str("氏名"), "date": str("YYYY-MM-DD"), "application_id": integer("the application (0: none)"),
		"status":   enum([]devices.Status{devices.Reserved, devices.Lent, devices.Returned, devices.Cancelled}, "status"),
		"asset_no": str("資産番号 once lent"), "due_date": str("return due YYYY-MM-DD"), "created_at": dateTime("reserved at"),
	})
}

func reservationInputSchema() map[string]any {
	return obj([]string{"pool_id", "date"}, map[string]any{
		"pool_id": integer("pool"), "date": str("YYYY-MM-DD"), "staff_id": integer("on someone's behalf"),
		"application_id": integer("the application"),
	})
}

func forecastSchema() map[string]any {
	level := enum([]string{"ok", "warning", "shortage"}, "ok, warning (≥ 90 % of capacity) or shortage")
	return obj([]string{"type", "id", "name", "kind", "capacity", "weeks", "what_if", "what_if_level"}, map[string]any{
		"type": enum([]string{"office", "pool"}, "office or pool"), "id": integer("id"), "name": str("名称"), "kind": str("kind"),
		"capacity": integer("seats or units a day (-1: no cap)"),
		"weeks": arrayOf(obj([]string{"week_of", "peak", "peak_day", "known", "pending", "trend", "capacity", "level"}, map[string]any{
			"week_of": str("the Monday"), "peak": integer("expected demand of the busiest day"), "peak_day": str("that day"),
			"known": integer("bookings/reservations made"), "pending": integer("approved and submitted application days without one"),
			"trend": integer("the same weekday's average of the last 4 weeks"), "capacity": integer("capacity"), "level": level})),
		"what_if":       integer("demand if everyone eligible teleworked (pools; -1 for offices)"),
		"what_if_level": level,
	})
}
