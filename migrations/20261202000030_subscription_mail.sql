-- A subscription's emails go with it: unsubscribing deletes them from the
-- outbox too, sent or not (the address and the property they name).
alter table outbox add column subscription_id bigint
    constraint outbox_subscription_fk references subscriptions (id) on delete cascade;
create index outbox_subscription_idx on outbox (subscription_id) where subscription_id is not null;
