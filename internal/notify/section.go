package notify

import "time"

// Start and end reports told to the section (issue 12, "per section
// channel: start/end reports"). The outbox row is the reporter's own,
// written in the transaction of the report; its chat delivery goes to the
// reporter's section channel (Plan: the recipient's unit), so the section
// reads 「山田 太郎さんが 8:31 に始業しました」 where it chats. Each person
// chooses, like any kind: by default the section's chat only (nothing in
// their own list, no e-mail to themselves); turning chat off keeps their
// reports out of the channel. Nothing is posted where the section has no
// channel. They are sent at once, whatever the hour: a report is a fact
// that asks nobody to answer, and an end report held until the next
// morning would tell the section nothing.
const (
	WorkStarted Kind = "worktime_started" // a start report, to the reporter's section
	WorkEnded   Kind = "worktime_ended"   // an end report, to the reporter's section
)

func init() {
	register(KindInfo{Kind: WorkStarted, Urgent: true, Section: true})
	register(KindInfo{Kind: WorkEnded, Urgent: true, Section: true})
}

// WorkReport is the outbox row of a start (end false) or end report by
// staffID, named name, recorded at at; proxy says a supervisor entered it
// for them (図表20). internal/worktime writes it with tx.InsertNotifications
// in the transaction of Service.Start and Service.End. Only the name and
// the time are told: the plan and the result follow the section's sharing
// choice (presence.Sharing) and stay out of the channel.
func WorkReport(staffID int64, name string, at time.Time, end, proxy bool) Notification {
	k := WorkStarted
	if end {
		k = WorkEnded
	}
	n := New(staffID, k, 0, map[string]any{"Name": name, "Time": at.In(Tokyo).Format("15:04"), "Proxy": proxy})
	n.CreatedAt = at.UTC()
	return n
}
