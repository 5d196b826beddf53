package tasks

import "slices"

// Device is a type of terminal the tenant provides for telework (SPEC §4;
// 第4章 団体アンケート: ①テレワーク用の貸出用端末, ②席上端末の持ち帰り,
// ③私用端末; 松本市: 個人所有の PC via 在宅用リモートアクセス and 各課配備の
// タブレット型 PC connected by SIM).
type Device string

// The device types.
const (
	DeviceLoan         Device = "loan"           // 貸出端末 (テレワーク用の貸出用端末)
	DeviceDeskTakeHome Device = "desk_take_home" // 席上端末の持ち帰り
	DevicePrivateVDI   Device = "private_vdi"    // 私用端末 (VDI・画面転送のみ、端末にデータを残さない)
	DeviceSIMTablet    Device = "sim_tablet"     // SIM タブレット (モバイル回線で接続)
)

// Devices lists the device types in display order.
var Devices = []Device{DeviceLoan, DeviceDeskTakeHome, DevicePrivateVDI, DeviceSIMTablet}

// deviceServes reports whether d may carry work on a system at target
// kind k: at home every type does (a desk PC taken home, a personal PC
// through VDI, a loan PC or a tablet); on the move only a portable
// terminal with its own line does — the SIM tablet or a loan PC (モバイル
// ワーク: 貸与されたタブレット・ノート PC を持参). A desk PC is taken home,
// not carried around, and a personal device reaches the office's systems
// only through the home remote-access software (松本市: 在宅用リモート
// アクセスソフトウェア).
func deviceServes(d Device, k TargetKind) bool {
	switch k {
	case AtHome:
		return true
	case AtMobile:
		return d == DeviceSIMTablet || d == DeviceLoan
	}
	return true
}

// FixDevice is the id of deploying device type d.
func FixDevice(d Device) string { return "device:" + string(d) }

// deviceFix is the device type that would open target kind k: a loan PC
// at home (the type with the highest share of 庁内LAN access in the
// guide's survey), a SIM tablet on the move.
func deviceFix(k TargetKind) Device {
	if k == AtMobile {
		return DeviceSIMTablet
	}
	return DeviceLoan
}

// deviceIssue appends the issue of a task that works on systems at home or
// on the move when the tenant has declared its device types (Tenant.Devices
// not nil) and none of them serves the target; a place provides its own
// terminals (SPEC §5: bookable PCs) and is not checked. fix names an
// improvement being tried.
func (e *Engine) deviceIssue(t *Task, tg Target, fix made, out []issue, d detail) []issue {
	if e.tenant.Devices == nil || tg.Kind == AtPlace || !e.usesSystem(t) {
		return out
	}
	for _, dv := range e.tenant.Devices {
		if deviceServes(dv, tg.Kind) {
			return out
		}
	}
	want := deviceFix(tg.Kind)
	if fix.has(FixDevice(want)) {
		return out
	}
	is := issue{rating: No}
	if d >= withFixes {
		is.fixes = []string{FixDevice(want)}
	}
	if d == withNotes {
		is.reason = Note{Key: "tasks.reason.no_device", Args: map[string]any{"Route": "@tasks.route." + string(tg.Kind)}}
	}
	return append(out, is)
}

// usesSystem reports whether the task works on a system of the catalogue.
func (e *Engine) usesSystem(t *Task) bool {
	return slices.ContainsFunc(t.Systems, func(id string) bool { return e.systems[id] != nil })
}
