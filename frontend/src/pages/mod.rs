//! One module per page. The public app shows `map`; the forms app `apply`,
//! `status` and `figures`; the lottery app `lottery`; the staff app `staff`.

pub mod apply;
pub mod confirm;
pub mod figures;
pub mod find;
pub mod how;
pub mod lottery;
pub mod map;
pub mod staff;
pub mod status;
pub mod subscription;
