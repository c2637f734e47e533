-- The ward a lot is in, as the county's parcel file says (a WARD
-- attribute, as Chicago publishes it); null when the file has none.

create function parcel_ward(source jsonb) returns text
language sql immutable as $$
    select nullif(btrim(coalesce(source->>'WARD', source->>'ward', source->>'Ward')), '')
$$;

create or replace view review_queue as
select a.id as application_id,
       a.tracking_code,
       r.slug as round,
       l.lot_pin,
       lp.address as lot_address,
       a.owned_pin,
       op.address as owned_address,
       a.applicant_name,
       l.state,
       l.relation,
       l.priority,
       l.state not in ('sold', 'denied', 'withdrawn')
       and exists (select 1 from application_lots o
                where o.lot_pin = l.lot_pin and o.round_id = l.round_id
                  and o.application_id <> l.application_id
                  and o.state not in ('denied', 'withdrawn')) as contested,
       a.email_confirmed_at is not null as email_confirmed,
       a.submitted_at,
       parcel_ward(lp.source) as ward
  from application_lots l
  join applications a on a.id = l.application_id
  join rounds r on r.id = l.round_id
  left join parcels lp on lp.pin = l.lot_pin
  left join parcels op on op.pin = a.owned_pin;
