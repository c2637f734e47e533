-- What a lottery's events say, as data: the status page writes them in its
-- reader's language, where the note is the staff's English words.
--   lottery_entered: {"public_id": "...", "draw": 2, "reason": "..."} (draw and reason for a redraw)
--   lottery_drawn:   {"public_id": "...", "rank": 1, "of": 3}
alter table application_events add column detail jsonb;

-- The events written before this column, read back from their notes (the
-- words the code wrote are fixed). The trail stays append-only for
-- everyone else: only this migration fills a column that did not exist.
alter table application_events disable trigger application_events_no_update_or_delete;

update application_events
   set detail = jsonb_build_object('public_id', m[1])
  from (select id as event_id, regexp_match(note, '^Entered the lottery as (.+)\.$') as m
          from application_events where kind = 'lottery_entered') x
 where id = x.event_id and x.m is not null;

update application_events
   set detail = jsonb_build_object('draw', m[1]::int, 'reason', m[2], 'public_id', m[3])
  from (select id as event_id,
               regexp_match(note, '^Entered draw (\d+) of the lottery \(redraw: (.*)\) as (.+)\.$') as m
          from application_events where kind = 'lottery_entered') x
 where id = x.event_id and x.m is not null;

update application_events
   set detail = jsonb_build_object('rank', m[1]::int, 'of', m[2]::int, 'public_id', m[3])
  from (select id as event_id,
               regexp_match(note, '^Number (\d+) of (\d+) in the lottery''s order \((.+)\)\.$') as m
          from application_events where kind = 'lottery_drawn') x
 where id = x.event_id and x.m is not null;

alter table application_events enable trigger application_events_no_update_or_delete;
