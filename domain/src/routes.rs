//! Which browser app shows a path. The server answers a client route with
//! that app's `index.html` (`server/src/http/site.rs`); the app then reads
//! its page from the path (`frontend/src/routes.rs`).

/// The four browser apps, each its own wasm (`frontend/src/bin/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum App {
    /// The map, at `/` and any path no other app shows.
    Public,
    /// The application form, the applicant's status page, the email's
    /// confirmation link, "Find my application", the figures, and the links
    /// of "Tell me when lots open near me".
    Forms,
    /// The staff console under `/staff`.
    Staff,
    /// The published lotteries and their verifier under `/lottery/`.
    Lottery,
}

impl App {
    pub fn for_path(path: &str) -> App {
        if path == "/staff" || path.starts_with("/staff/") {
            App::Staff
        } else if path.starts_with("/lottery/") {
            App::Lottery
        } else if path == "/figures"
            || path == "/apply"
            || path == "/find"
            || path == "/how-it-works"
            || path.starts_with("/status/")
            || path.starts_with("/confirm/")
            || path.starts_with("/subscriptions/")
        {
            App::Forms
        } else {
            App::Public
        }
    }

    /// The app's folder in the built dist; the public app is at its root.
    pub fn folder(self) -> Option<&'static str> {
        match self {
            App::Public => None,
            App::Forms => Some("forms"),
            App::Staff => Some("staff"),
            App::Lottery => Some("lottery"),
        }
    }
}
