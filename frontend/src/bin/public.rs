//! The public app (see the crate documentation).

fn main() {
    sidelot_frontend::public();
}
