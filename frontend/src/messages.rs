//! Every text the app shows, in one catalog, so that translation can follow.

/// A message of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Title,
    Tagline,
    MapLabel,
    Legend,
    StatusAvailable,
    StatusPending,
    StatusSold,
    StatusNotForSale,
    ZoomIn,
    Loading,
    LoadFailed,
    Retry,
    Truncated,
    ParcelsShown,
    Pin,
    Address,
    Area,
    Status,
    NoAddress,
    Close,
    Qualify,
    QualifyLater,
}

/// The English text of `msg`.
pub fn t(msg: Msg) -> &'static str {
    match msg {
        Msg::Title => "sidelot",
        Msg::Tagline => "Vacant lots for the neighbours who live beside them",
        Msg::MapLabel => "Map of parcels",
        Msg::Legend => "Parcel status",
        Msg::StatusAvailable => "Available for sale",
        Msg::StatusPending => "Application pending",
        Msg::StatusSold => "Sold",
        Msg::StatusNotForSale => "Not for sale",
        Msg::ZoomIn => "Zoom in to see parcels",
        Msg::Loading => "Loading parcels…",
        Msg::LoadFailed => "Could not load parcels",
        Msg::Retry => "Retry",
        Msg::Truncated => "Too many parcels here: zoom in to see them all",
        Msg::ParcelsShown => "parcels shown",
        Msg::Pin => "PIN",
        Msg::Address => "Address",
        Msg::Area => "Area",
        Msg::Status => "Status",
        Msg::NoAddress => "No street address on record",
        Msg::Close => "Close",
        Msg::Qualify => "Do I qualify? / Apply",
        Msg::QualifyLater => "Applications open with the first round.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_label() {
        for msg in [
            Msg::StatusAvailable,
            Msg::StatusPending,
            Msg::StatusSold,
            Msg::StatusNotForSale,
        ] {
            assert!(!t(msg).is_empty());
        }
    }
}
