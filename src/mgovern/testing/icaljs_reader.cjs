// ical.js (Mozilla's iCalendar engine, used by Thunderbird) as an independent reader.
// Reads one JSON request per line on stdin, writes one JSON answer per line on stdout:
//   {"expand": "<ics text>"}  ->  {"events": [[uid, startUnix, endUnix, startLocal, endLocal], ...]}
//   {"offsets": "<VTIMEZONE text>", "local": [[y, m, d, H, M, S], ...]}  ->  {"offsets": [seconds, ...]}
//     (the UTC offset ical.js gives each local time: how it reads a DTSTART with that TZID)
// Each series' own overrides are passed explicitly (ical.js #1019).
"use strict";
const ICAL = require("ical.js");
const readline = require("readline");

function local(time) {
  return time.toString();
}

function expand(text) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const byUid = new Map();
  for (const vevent of calendar.getAllSubcomponents("vevent")) {
    const uid = vevent.getFirstPropertyValue("uid");
    if (!byUid.has(uid)) byUid.set(uid, { master: null, overrides: [] });
    const entry = byUid.get(uid);
    if (vevent.hasProperty("recurrence-id")) entry.overrides.push(vevent);
    else entry.master = vevent;
  }
  const events = [];
  for (const [uid, entry] of byUid) {
    if (entry.master === null) throw new Error(`UID ${uid} has overrides but no master`);
    const event = new ICAL.Event(entry.master, { exceptions: entry.overrides, strictExceptions: true });
    if (!event.isRecurring()) {
      events.push([uid, event.startDate.toUnixTime(), event.endDate.toUnixTime(),
        local(event.startDate), local(event.endDate)]);
      continue;
    }
    const iterator = event.iterator();
    let next;
    let count = 0;
    while ((next = iterator.next())) {
      if (++count > 100000) throw new Error(`UID ${uid}: more than 100000 instances`);
      const details = event.getOccurrenceDetails(next);
      events.push([uid, details.startDate.toUnixTime(), details.endDate.toUnixTime(),
        local(details.startDate), local(details.endDate)]);
    }
  }
  return { events };
}

function offsets(text, locals) {
  const component = new ICAL.Component(ICAL.parse(text));
  const vtimezone = component.name === "vtimezone" ? component : component.getFirstSubcomponent("vtimezone");
  const zone = new ICAL.Timezone(vtimezone);
  return {
    offsets: locals.map(([year, month, day, hour, minute, second]) => {
      const time = ICAL.Time.fromData({ year, month, day, hour, minute, second, isDate: false }, zone);
      const wall = Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
      return wall - time.toUnixTime();
    }),
  };
}

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  let answer;
  try {
    const request = JSON.parse(line);
    answer = request.expand !== undefined ? expand(request.expand) : offsets(request.offsets, request.local);
  } catch (error) {
    answer = { error: String(error && error.stack ? error.stack : error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
