package tasks

import (
	"testing"
)

// The device types the tenant provides change the ratings at home and on
// the move; without a declaration (nil) nothing changes.
func TestDeviceRules(t *testing.T) {
	none := map[string]Rating{}
	cases := []struct {
		name     string
		devices  []Device
		task     Task
		target   string
		rating   Rating
		reasons  []string
		improves map[string]Rating
	}{
		{name: "not declared: as before", devices: nil, task: Task{Systems: []string{"gw"}}, target: "home", rating: OK, improves: none},
		{name: "not declared: mobile as before", devices: nil, task: Task{Systems: []string{"gw"}}, target: "mobile", rating: OK, improves: none},
		{name: "declared none: home needs a loan PC", devices: []Device{}, task: Task{Systems: []string{"gw"}}, target: "home", rating: No,
			reasons: []string{"tasks.reason.no_device"}, improves: map[string]Rating{"device:loan": OK}},
		{name: "declared none: mobile needs a SIM tablet", devices: []Device{}, task: Task{Systems: []string{"gw"}}, target: "mobile", rating: No,
			reasons: []string{"tasks.reason.no_device"}, improves: map[string]Rating{"device:sim_tablet": OK}},
		{name: "no system: no device needed", devices: []Device{}, task: Task{}, target: "home", rating: OK, improves: none},
		{name: "a place provides its terminals", devices: []Device{}, task: Task{Systems: []string{"net"}}, target: "share", rating: OK, improves: none},
		{name: "desk PC taken home serves home", devices: []Device{DeviceDeskTakeHome}, task: Task{Systems: []string{"gw"}}, target: "home", rating: OK, improves: none},
		{name: "desk PC taken home does not serve mobile", devices: []Device{DeviceDeskTakeHome}, task: Task{Systems: []string{"gw"}}, target: "mobile", rating: No,
			reasons: []string{"tasks.reason.no_device"}, improves: map[string]Rating{"device:sim_tablet": OK}},
		{name: "personal device via VDI serves home for staff data", devices: []Device{DevicePrivateVDI}, task: Task{Systems: []string{"jinji"}}, target: "home", rating: OK, improves: none},
		{name: "personal device via VDI not on the move; the route is missing too", devices: []Device{DevicePrivateVDI}, task: Task{Systems: []string{"jinji"}}, target: "mobile", rating: No,
			reasons: []string{"tasks.reason.no_device", "tasks.reason.unreachable"}, improves: map[string]Rating{"device:sim_tablet": No, "remote_access:jinji:mobile": No, "device:sim_tablet+remote_access:jinji:mobile": OK}},
		{name: "SIM tablet serves mobile", devices: []Device{DeviceSIMTablet}, task: Task{Systems: []string{"gw"}}, target: "mobile", rating: OK, improves: none},
		{name: "SIM tablet serves home", devices: []Device{DeviceSIMTablet}, task: Task{Systems: []string{"gw"}}, target: "home", rating: OK, improves: none},
		{name: "loan PC serves mobile", devices: []Device{DeviceLoan}, task: Task{Systems: []string{"gw"}}, target: "mobile", rating: OK, improves: none},
		{name: "a device does not open resident data at home", devices: []Device{}, task: Task{Systems: []string{"jumin"}}, target: "home", rating: No,
			reasons: []string{"tasks.reason.no_device", "tasks.reason.resident_sensitive_remote"}, improves: map[string]Rating{"device:loan": No}},
		{name: "phone and no device", devices: []Device{}, task: Task{Phone: true, Systems: []string{"gw"}}, target: "home", rating: No,
			reasons: []string{"tasks.reason.phone", "tasks.reason.no_device"}, improves: map[string]Rating{FixPhone: No, "device:loan": Partial, "phone+device:loan": OK}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := NewEngine(Tenant{Devices: c.devices}, testSystems, testPlaces)
			task := c.task
			checkResult(t, e, &task, c.target, c.rating, c.reasons, c.improves)
		})
	}
}

func TestDeviceTexts(t *testing.T) {
	e := NewEngine(Tenant{Devices: []Device{}}, testSystems, testPlaces)
	task := Task{Systems: []string{"gw"}}
	res := e.RateAt(&task, Target{Kind: AtMobile})
	if s := res.Improvements[0].Text("ja"); s != "SIMタブレットを配備すると○" {
		t.Errorf("%q", s)
	}
	if s := res.Improvements[0].Text("en"); s != "Deploy SIM tablets: ○" {
		t.Errorf("%q", s)
	}
	if s := res.Reasons[0].Text("ja"); s != "モバイルで業務システムを使える端末(貸出端末・席上端末の持ち帰り・私用端末(VDI)・SIMタブレットのうちモバイルに使えるもの)がありません。" {
		t.Errorf("%q", s)
	}
	for _, d := range Devices {
		if s := e.FixNote(FixDevice(d)).Text("en"); s == "" || s[:6] == "tasks." {
			t.Errorf("%s: %q", d, s)
		}
	}
	in := Input{Tenant: Tenant{Devices: []Device{"usb"}}}
	if err := in.Validate(); err == nil {
		t.Error("an unknown device type passed")
	}
}
