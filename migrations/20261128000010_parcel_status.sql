-- What the map shows of a parcel, now also after its round has closed:
--   sold          an application for it reached `sold` (in any round);
--   pending       an application for it is still being worked (any round,
--                 open or closed: review, lottery, council and closing go on
--                 for months after applications close);
--   available     offered in a round that has not closed, nobody applying;
--   not_for_sale  everything else.
-- Also the ward the parcel file gives (WARD attribute), for the lot panel.

create or replace view parcel_view as
select p.pin,
       p.address,
       p.geom,
       round(p.area_m2 * 10.76391041671)::bigint as area_sqft,
       case when exists (select 1 from application_lots a
                          where a.lot_pin = p.pin and a.state = 'sold')
            then 'sold'
            when exists (select 1 from application_lots a
                          where a.lot_pin = p.pin
                            and a.state not in ('sold', 'denied', 'withdrawn'))
            then 'pending'
            when exists (select 1
                           from round_lots l
                           join rounds r on r.id = l.round_id
                          where l.pin = p.pin and r.closes_at > now())
            then 'available'
            else 'not_for_sale' end as status,
       parcel_ward(p.source) as ward
from parcels p;
