-- A denial reason's words in Spanish, for the applicants who read Spanish
-- (their status page and their email). Without them, they read the English.
alter table denial_reasons
    add column plain_es text
        constraint denial_reasons_plain_es_not_blank check (plain_es is null or btrim(plain_es) <> '');

update denial_reasons set plain_es = v.plain_es
  from (values
    ('deed_mismatch',
     'El comprobante de propiedad que envió no muestra que usted sea el dueño de la propiedad que indicó.'),
    ('not_owner',
     'Los registros del condado no muestran que usted sea el dueño de la propiedad que indicó.'),
    ('taxes_delinquent',
     'Los impuestos de su propiedad no están al día.'),
    ('location_not_eligible',
     'Su propiedad no está lo bastante cerca del lote según las reglas de esta ronda.'),
    ('incomplete',
     'A su solicitud le faltaba información que le pedimos y que no recibimos a tiempo.'),
    ('outranked',
     'Otro vecino con mayor prioridad según las reglas de esta ronda pidió el lote.'),
    ('lottery',
     'El lote fue para otro vecino en el sorteo público.')
  ) as v (code, plain_es)
 where denial_reasons.code = v.code
   -- Only the words as first shipped: an admin's own words are theirs.
   and denial_reasons.plain = (case v.code
        when 'deed_mismatch' then 'The proof of ownership you sent does not show you as the owner of the property you named.'
        when 'not_owner' then 'County records do not show you as the owner of the property you named.'
        when 'taxes_delinquent' then 'The property taxes on your property are not current.'
        when 'location_not_eligible' then 'Your property is not close enough to the lot under this round''s rules.'
        when 'incomplete' then 'Your application was missing information we asked you for and did not receive in time.'
        when 'outranked' then 'Another neighbour with a higher priority under this round''s rules applied for the lot.'
        when 'lottery' then 'The lot went to another neighbour in the public lottery.'
      end);
