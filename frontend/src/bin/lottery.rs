//! The lottery app (see the crate documentation).

fn main() {
    sidelot_frontend::lottery();
}
