//! `sidelot lottery verify`, without a database.

use super::*;

#[test]
fn a_published_lottery_is_verified_without_a_database_and_tampering_is_named() {
    use sidelot_domain::drand::{Beacon, QUICKNET, QUICKNET_ROUND_123};
    use sidelot_domain::lottery::{self, LotEntrants};
    let lots = vec![
        LotEntrants {
            lot: "13323090220000".into(),
            entrants: vec![
                "E-0K3M-2Q7R".into(),
                "E-9TFV-X1AB".into(),
                "E-4D5E-6F7G".into(),
            ],
        },
        LotEntrants {
            lot: "16161010250000".into(),
            entrants: vec!["E-AAAA-BBBB".into(), "E-CCCC-DDDD".into()],
        },
    ];
    // Drawn with a real published quicknet beacon (round 123, see
    // sidelot_domain::drand::QUICKNET_ROUND_123 for its source).
    let committed = lottery::commit("austin-2027", &lots, &QUICKNET.source(123), "t").unwrap();
    let beacon = Beacon::parse(QUICKNET_ROUND_123).unwrap();
    let drawn = lottery::draw_beacon(&committed, &beacon, "t").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run = |value: &serde_json::Value| {
        let file = dir.path().join("lottery.json");
        std::fs::write(&file, serde_json::to_vec_pretty(value).unwrap()).unwrap();
        Command::new(sidelot_bin())
            .args([
                "--database-url",
                "postgres://nobody@127.0.0.1:1/none",
                "lottery",
                "verify",
            ])
            .arg(&file)
            .output()
            .unwrap()
    };
    let good = serde_json::to_value(&drawn).unwrap();
    let out = run(&good);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).starts_with("matches: austin-2027"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stdout).contains(
            "beacon: drand quicknet round 123, its signature verified against the chain's public key"
        ),
        "{}",
        text(&out.stdout)
    );

    // A changed signature, a changed randomness (with the beacon's), another round.
    let mut signature = good.clone();
    signature["beacon"]["signature"] = beacon.signature.replacen("b75c", "b75d", 1).into();
    let mut randomness = good.clone();
    randomness["beacon"]["randomness"] = "0".repeat(64).into();
    randomness["randomness"] = "0".repeat(64).into();
    let mut round = good.clone();
    round["beacon"]["round"] = 124.into();
    for (file, says) in [
        (&signature, "signature is not drand quicknet's"),
        (&randomness, "randomness does not follow from its signature"),
        (
            &round,
            "for round 124, but the lottery is committed to round 123",
        ),
    ] {
        let out = run(file);
        assert_eq!(out.status.code(), Some(1));
        let said = text(&out.stdout);
        assert!(
            said.contains("differs: beacon") && said.contains(says),
            "{said}"
        );
    }
    let mut dropped = good.clone();
    dropped["beacon"] = serde_json::Value::Null;
    let out = run(&dropped);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("differs: beacon"),
        "{}",
        text(&out.stdout)
    );

    let mut tampered = good.clone();
    tampered["randomness"] = "c0ffef".into();
    let out = run(&tampered);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("differs: seed"),
        "{}",
        text(&out.stdout)
    );

    let mut swapped = good.clone();
    let first = swapped["results"][0]["order"][0].clone();
    swapped["results"][0]["order"][0] = swapped["results"][0]["order"][1].clone();
    swapped["results"][0]["order"][1] = first;
    let out = run(&swapped);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("differs: lot 13323090220000"),
        "{}",
        text(&out.stdout)
    );

    let out = run(&serde_json::json!({"not": "a lottery"}));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("is not a lottery file"));

    // The independent reference agrees with the file sidelot wrote.
    let file = dir.path().join("lottery.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&good).unwrap()).unwrap();
    let script = project_root().join("scripts/lottery_reference.py");
    match Command::new("python3")
        .arg(&script)
        .arg("verify")
        .arg(&file)
        .output()
    {
        Ok(out) => assert_eq!(text(&out.stdout).trim(), "matches", "{}", text(&out.stderr)),
        Err(_) => eprintln!("*** python3 is not installed: the reference verifier was not run ***"),
    }
}
