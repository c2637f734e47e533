//! The time the lottery goes by when it checks that a committed drand round
//! is still to come, and writes the commitment's time into its statement:
//! the system's, or, with `--lottery-now`, a time given at start that runs
//! on from there (for demonstrations and tests with real, long-published
//! beacons). Nothing else reads it.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    offset: Duration,
}

impl Clock {
    /// The system's time.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that shows `t` now and runs on from there.
    pub fn starting_at(t: DateTime<Utc>) -> Clock {
        Clock {
            offset: t - Utc::now(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_started_in_the_past_runs_on_from_there() {
        let then = DateTime::parse_from_rfc3339("2023-08-23T15:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let clock = Clock::starting_at(then);
        let shown = clock.now();
        assert!(
            shown >= then && shown - then < Duration::seconds(5),
            "{shown}"
        );
        assert!((Clock::system().now() - Utc::now()).num_seconds().abs() < 2);
    }
}
