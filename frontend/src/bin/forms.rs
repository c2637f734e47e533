//! The forms app (see the crate documentation).

fn main() {
    sidelot_frontend::forms();
}
