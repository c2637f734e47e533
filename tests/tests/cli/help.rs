//! `sidelot --help` and the commands' own help.

use super::*;

#[test]
fn help_explains_every_command() {
    let out = Command::new(sidelot_bin()).arg("--help").output().unwrap();
    let help = text(&out.stdout);
    for command in [
        "serve", "migrate", "import", "sample", "round", "user", "lottery",
    ] {
        assert!(
            help.contains(command),
            "--help should list {command}:\n{help}"
        );
    }
    let out = Command::new(sidelot_bin())
        .args(["import", "parcels", "--help"])
        .output()
        .unwrap();
    let help = text(&out.stdout);
    for option in [
        "--source-crs",
        "--pin-field",
        "--pin-format",
        "--report",
        "--address-field",
        "--database-url",
    ] {
        assert!(
            help.contains(option),
            "import parcels --help should explain {option}:\n{help}"
        );
    }
}
