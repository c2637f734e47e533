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
    SearchLabel,
    SearchHint,
    SearchButton,
    Searching,
    SearchNone,
    SearchFailed,
    SearchCount,
    SearchTooShort,
    ListShow,
    ListHide,
    ListTitle,
    ListEmpty,
    ListZoomIn,
    ListPartial,
    ListOpenParcel,
    ParcelFailed,
    OwnedLabel,
    Checking,
    CheckFailed,
    Eligible,
    NotEligible,
    NotOffered,
    ApplyLater,
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
        Msg::Qualify => "Do I qualify?",
        Msg::SearchLabel => "Find an address or PIN",
        Msg::SearchHint => "For example 5312 W Van Buren or 16-16-214",
        Msg::SearchButton => "Search",
        Msg::Searching => "Searching…",
        Msg::SearchNone => "No parcel matches “{0}”",
        Msg::SearchFailed => "Search failed: {0}",
        Msg::SearchCount => "{0} found: use the arrow keys and Enter to choose",
        Msg::SearchTooShort => "Type at least 2 characters",
        Msg::ListShow => "List the parcels in view",
        Msg::ListHide => "Hide the list",
        Msg::ListTitle => "Parcels in view",
        Msg::ListEmpty => "No parcels in view.",
        Msg::ListZoomIn => "Zoom in on the map to list its parcels.",
        Msg::ListPartial => "Showing {0} of {1}: zoom in or move the map to see others.",
        Msg::ListOpenParcel => "Open parcel {0}",
        Msg::ParcelFailed => "Could not open parcel {0}: {1}",
        Msg::OwnedLabel => "The address or PIN of the property you own",
        Msg::Checking => "Checking…",
        Msg::CheckFailed => "Could not check: {0}",
        Msg::Eligible => "You qualify for this lot.",
        Msg::NotEligible => "You do not qualify for this lot.",
        Msg::NotOffered => "This parcel is not for sale.",
        Msg::ApplyLater => {
            "Applications through sidelot are coming; the city will say how to apply."
        }
    }
}

/// The text of `msg` with `{0}`, `{1}`, ... replaced by `args`, in order.
pub fn tf(msg: Msg, args: &[&str]) -> String {
    let mut text = t(msg).to_owned();
    for (i, arg) in args.iter().enumerate() {
        text = text.replace(&format!("{{{i}}}"), arg);
    }
    text
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

    #[test]
    fn placeholders_are_filled_in_order() {
        assert_eq!(
            tf(Msg::ListPartial, &["200", "1,234"]),
            "Showing 200 of 1,234: zoom in or move the map to see others."
        );
        assert_eq!(tf(Msg::SearchNone, &["zz"]), "No parcel matches “zz”");
        assert_eq!(tf(Msg::Retry, &["unused"]), "Retry");
    }
}
