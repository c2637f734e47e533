//! Which page of its app a path is. Which app serves a path is the
//! domain's rule ([`App::for_path`]), which the server follows too.

pub use sidelot_domain::routes::App;

/// A page of the forms app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormsPage {
    Figures,
    Apply,
    /// "Find my application": new links by email.
    Find,
    /// How a sale works, and each round's rules.
    How,
    Status {
        token: String,
    },
    Confirm {
        token: String,
    },
    /// A subscription's confirmation link.
    SubscriptionConfirm {
        token: String,
    },
    /// A subscription's unsubscribe link.
    SubscriptionStop {
        token: String,
    },
}

impl FormsPage {
    pub fn for_path(path: &str) -> Option<FormsPage> {
        if path == "/figures" {
            Some(FormsPage::Figures)
        } else if path == "/apply" {
            Some(FormsPage::Apply)
        } else if path == "/find" {
            Some(FormsPage::Find)
        } else if path == "/how-it-works" {
            Some(FormsPage::How)
        } else if let Some(token) = path.strip_prefix("/subscriptions/confirm/") {
            Some(FormsPage::SubscriptionConfirm {
                token: token.trim_end_matches('/').to_owned(),
            })
        } else if let Some(token) = path.strip_prefix("/subscriptions/stop/") {
            Some(FormsPage::SubscriptionStop {
                token: token.trim_end_matches('/').to_owned(),
            })
        } else if let Some(token) = path.strip_prefix("/confirm/") {
            Some(FormsPage::Confirm {
                token: token.trim_end_matches('/').to_owned(),
            })
        } else {
            let token = path.strip_prefix("/status/")?;
            Some(FormsPage::Status {
                token: token.trim_end_matches('/').to_owned(),
            })
        }
    }
}

/// A lottery page, `/lottery/<round>` or `/lottery/<round>/<lot>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotteryPage {
    pub round: String,
    pub lot: Option<String>,
}

impl LotteryPage {
    pub fn for_path(path: &str) -> LotteryPage {
        let rest = path
            .strip_prefix("/lottery/")
            .unwrap_or_default()
            .trim_end_matches('/');
        match rest.split_once('/') {
            Some((round, lot)) => LotteryPage {
                round: round.to_owned(),
                lot: Some(lot.to_owned()),
            },
            None => LotteryPage {
                round: rest.to_owned(),
                lot: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_has_one_app() {
        assert_eq!(App::for_path("/"), App::Public);
        assert_eq!(App::for_path("/staff"), App::Staff);
        assert_eq!(App::for_path("/staff/applications/3"), App::Staff);
        assert_eq!(App::for_path("/staffing"), App::Public);
        assert_eq!(App::for_path("/lottery/spring"), App::Lottery);
        assert_eq!(App::for_path("/lottery"), App::Public);
        assert_eq!(App::for_path("/status/abc"), App::Forms);
        assert_eq!(App::for_path("/apply"), App::Forms);
        assert_eq!(App::for_path("/figures"), App::Forms);
        assert_eq!(App::for_path("/find"), App::Forms);
        assert_eq!(App::for_path("/how-it-works"), App::Forms);
        assert_eq!(App::for_path("/figures/2027"), App::Public);
        assert_eq!(App::for_path("/lots/1"), App::Public);
    }

    #[test]
    fn the_forms_pages_come_from_the_path() {
        assert_eq!(FormsPage::for_path("/"), None);
        assert_eq!(FormsPage::for_path("/figures"), Some(FormsPage::Figures));
        assert_eq!(FormsPage::for_path("/apply"), Some(FormsPage::Apply));
        assert_eq!(
            FormsPage::for_path("/status/t0k3n/"),
            Some(FormsPage::Status {
                token: "t0k3n".into()
            })
        );
    }

    #[test]
    fn a_lottery_page_is_a_round_or_one_lot_of_it() {
        let page = |round: &str, lot: Option<&str>| LotteryPage {
            round: round.into(),
            lot: lot.map(Into::into),
        };
        assert_eq!(
            LotteryPage::for_path("/lottery/spring/"),
            page("spring", None)
        );
        assert_eq!(
            LotteryPage::for_path("/lottery/spring/16161180290000"),
            page("spring", Some("16161180290000"))
        );
    }
}
