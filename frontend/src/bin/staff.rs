//! The staff app (see the crate documentation).

fn main() {
    sidelot_frontend::staff();
}
