//! The English catalogue: every text the public pages show, in US English.
//! A translator writes another language's file beside this one, with the
//! same keys (the compiler refuses a missing one) and the same `{0}`
//! placeholders (a test refuses a missing one).

use super::Msg;

pub(super) fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::FiguresTitle => "Figures",
        Msg::FiguresIntro => {
            "Every round: the lots offered and sold, the applications received, and where the requested lots stand. Counts only; no one is named."
        }
        Msg::FiguresLink => "Figures",
        Msg::AwardedDownload => "The lots awarded and sold in {0}, as GeoJSON for a GIS tool",
        Msg::FindLink => "Find my application",
        Msg::OfferedIn => "Offered in",
        Msg::Price => "Price",
        Msg::PriceNotSet => "Set by the city at closing",
        Msg::ApplyBy => "Apply by",
        Msg::HowItWorksRules => "The round's rules and how a sale works",
        Msg::HowItWorksLink => "How it works",
        Msg::HowIntro => {
            "The city sells the vacant lots it owns to the neighbours who live beside them, in rounds. Here is how a sale goes, and the rules of each round."
        }
        Msg::HowStep1 => {
            "On the map, open a lot for sale (green) and ask \"Do I qualify?\" with your property's address or PIN: you get the answer at once, and why."
        }
        Msg::HowStep2 => {
            "Apply before the round closes: your name, your contact details and a copy of your deed (PDF, JPEG or PNG). You get a tracking code."
        }
        Msg::HowStep3 => {
            "Confirm your email address with the first link of the email we send, and keep the second one: it is your private page, where you follow your application."
        }
        Msg::HowStep4 => {
            "Planning staff check that you own the property and that it relates to the lot as you said."
        }
        Msg::HowStep5 => {
            "When several neighbours with the same priority want the same lot, a public lottery decides. Its draw is committed before it happens, and anyone can check it."
        }
        Msg::HowStep6 => {
            "The lot set aside for you then goes through disclosure, City Council approval and closing, where you pay its price and it becomes yours."
        }
        Msg::HowRounds => "The rounds",
        Msg::HowDates => "Applications open {0} and close {1}.",
        Msg::HowLots => "{0} lots are offered. One application may ask for up to {1} lots.",
        Msg::HowWhoMay => "Who may apply, first priority first:",
        Msg::HowPriority => {
            "A neighbour with a higher priority comes before one with a lower priority for the same lot; between neighbours with the same priority, the public lottery decides."
        }
        Msg::HowLotteryLink => "The lotteries of {0}",
        Msg::HowFiguresLink => "The program's figures",
        Msg::FindTitle => "Find my application",
        Msg::FindIntro => {
            "Lost the email with your links? Give the email address you applied with: we will email it new links to every application sent with it. The links are never shown here."
        }
        Msg::FindEmail => "Your email address",
        Msg::FindSend => "Email me my links",
        Msg::FindSending => "Sending…",
        Msg::FindLost => "Lost your link? Find my application",
        Msg::SiteLinks => "Site",
        Msg::LotsOffered => "Lots offered",
        Msg::LotsSold => "Lots sold",
        Msg::ApplicationsCount => "Applications",
        Msg::RequestedLotsByState => "Requested lots by state",
        Msg::NoRoundsYet => "No round has been opened yet.",
        Msg::LotteryTitle => "Lottery",
        Msg::LotteryOf => "The lottery of {0}",
        Msg::LotteryNotRanked => {
            "Each lot's entrants, by their public numbers in alphabetical order: this is not a ranking. The draw will decide their order."
        }
        Msg::LotteryLotOf => "Lot {0} in the lottery of {1}",
        Msg::LotteryWholeRound => "The whole lottery of {0}, every lot",
        Msg::LotteryLotAbsent => "Lot {0} was not in this lottery.",
        Msg::LotteryDrawnIntro => {
            "Neighbours with the same priority who wanted the same lot were ranked by this draw. It was committed before it happened and anyone can recompute it from what is shown here."
        }
        Msg::LotteryCommittedIntro => {
            "The entrants are frozen and committed. The draw will use the randomness source named below, once its value exists."
        }
        Msg::LotteryRedraw => "This is draw number {0}. Why it was drawn again: {1}",
        Msg::LotteryAlgorithm => "Algorithm",
        Msg::LotteryCommitted => "Committed",
        Msg::LotterySource => "Randomness source (named in advance)",
        Msg::LotteryEntrantsHash => "Entrant list SHA-256",
        Msg::LotteryRandomness => "Randomness",
        Msg::LotteryBeacon => "drand beacon",
        Msg::LotteryBeaconOf => "round {0}, signature {1}",
        Msg::LotterySeed => "Seed",
        Msg::LotteryNotYet => "not drawn yet",
        Msg::LotteryDrawnAt => "Drawn",
        Msg::LotteryStatement => "Statement",
        Msg::LotteryResults => "Ranked entrants per lot (rank 1 first)",
        Msg::LotteryEntrants => "Entrants per lot",
        Msg::LotteryLot => "Lot {0}",
        Msg::LotteryVerify => "Verify",
        Msg::LotteryDownload => "Download the lottery file (JSON)",
        Msg::LotteryMatches => {
            "Matches: the entrant hash, the statement, the seed and every lot's order were recomputed in your browser and agree with what is published."
        }
        Msg::LotteryDiffers => "Does not match. What differs:",
        Msg::LotteryDifference => "{0}: published {1}, computed {2}",
        Msg::LotteryHowToCheck => {
            "Check it yourself: the file above, the procedure in docs/lottery.md, and the command sidelot lottery verify FILE.json, or any implementation of the procedure. Verify also checks the drand beacon's signature against the quicknet chain's public key."
        }
        Msg::LotteryStanding => "Lottery: you entered as {0}; you are number {1} of {2}.",
        Msg::LotteryEntered => "Lottery: you entered as {0}; the draw has not happened yet.",
        Msg::ByWard => "By ward",
        Msg::Ward => "Ward",
        Msg::RequestedLots => "Requested lots",
        Msg::Where => "Where it stands",
        Msg::Reason => "Reason: {0}",
        Msg::LotPrefix => "Lot {0}: ",
        Msg::Title => "sidelot",
        Msg::Tagline => "Vacant lots for the neighbours who live beside them",
        Msg::MapLabel => "Map of parcels",
        Msg::Legend => "Parcel status",
        Msg::StatusAvailable => "Available for sale",
        Msg::StatusPending => "Application pending",
        Msg::StatusSold => "Sold",
        Msg::StatusNotForSale => "Not for sale",
        Msg::ZoomIn => "Zoom in to see every parcel; lots for sale show at every zoom",
        Msg::ForSaleOnly => "Lots for sale only",
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
        Msg::ListTitleForSale => "Lots for sale in view",
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
        Msg::AlreadyApplied => {
            "This property has applied in this round already: there is one application per property per round. To see it or follow it, open the status link in the email you received."
        }
        Msg::OthersNone => "No other neighbour has applied for this lot yet.",
        Msg::OthersOne => {
            "1 other neighbour has applied for this lot; with the same priority, a public lottery decides."
        }
        Msg::OthersMany => {
            "{0} other neighbours have applied for this lot; with the same priority, a public lottery decides."
        }
        Msg::NotOffered => "This parcel is not for sale.",
        Msg::ApplyLater => "Apply online: it takes a few minutes, with your deed at hand.",
        Msg::ApplyTitle => "Apply for lot {0}",
        Msg::ApplyIntro => {
            "Four short steps. Every field is checked as you go; nothing is sent until the last step."
        }
        Msg::StepOf => "Step {0} of {1}: {2}",
        Msg::StepLots => "Your property and the lots",
        Msg::StepYou => "About you",
        Msg::StepPlans => "Your plans",
        Msg::StepProof => "Proof and promises",
        Msg::Next => "Next",
        Msg::Back => "Back",
        Msg::Submit => "Send my application",
        Msg::Sending => "Sending…",
        Msg::OwnedProperty => "The property you own",
        Msg::LotsAsked => "The lot you apply for",
        Msg::AnotherLot => "Other lots you qualify for (optional)",
        Msg::AnotherLotHint => {
            "This round allows up to {0} lots per application. Tick the others you want as well."
        }
        Msg::OtherLotsLoading => {
            "Looking for the other lots of this round your property qualifies for..."
        }
        Msg::OtherLotsNone => "No other lot in this round qualifies for your property.",
        Msg::ApplicantName => "Your name, as on the deed",
        Msg::Email => "Email",
        Msg::EmailHint => "We send your private status link here.",
        Msg::Phone => "Phone (optional)",
        Msg::MailingAddress => "Mailing address",
        Msg::PlannedUse => "What will you do with the lot?",
        Msg::UseGarden => "Garden",
        Msg::UseSideYard => "Side yard",
        Msg::UseParking => "Parking",
        Msg::UsePlayArea => "Play area",
        Msg::UseOther => "Other",
        Msg::UseDetails => "Tell us more (required for other)",
        Msg::Deed => "Your deed (PDF, JPEG or PNG, at most 10 MB)",
        Msg::AttestOwnership => "I own the property named above.",
        Msg::AttestTaxes => "The property taxes on it are paid.",
        Msg::ErrorSummary => "Please correct these fields:",
        Msg::SendFailed => "Your application could not be sent: {0}",
        Msg::ApplyLink => "Apply for this lot",
        Msg::BackToMap => "Back to the map",
        Msg::StatusTitle => "Application {0}",
        Msg::StatusLoading => "Loading your application…",
        Msg::StatusMissing => {
            "No application has this status link. Check that the whole link was copied, and use the newest email if we sent you new links."
        }
        Msg::Received => "Received {0} in {1}.",
        Msg::EmailConfirmed => "Your email address is confirmed.",
        Msg::EmailNotConfirmed => {
            "Please confirm your email address: follow the first link in the email we sent you."
        }
        Msg::Confirming => "Confirming your email address…",
        Msg::ConfirmedNow => "Thank you: your email address is confirmed.",
        Msg::ConfirmedBefore => "Your email address was confirmed already.",
        Msg::ConfirmedNext => "Follow your application at the private link in the same email.",
        Msg::ConfirmMissing => {
            "This confirmation link is not known. Check that the whole link was copied from the email, and use the newest email if we sent you new links."
        }
        Msg::ConfirmFailed => {
            "Your email address could not be confirmed just now. Please try the link again in a moment."
        }
        Msg::YourLots => "Your lots",
        Msg::History => "What has happened",
        Msg::NextStep => "What happens next",
        Msg::Relation => "Relation",
        Msg::KeepLink => "Keep this page's address: it is your private link to this application.",
        Msg::MissingContext => {
            "Open the lot on the map and use “Do I qualify?” first: this page needs the lot and your property."
        }
        Msg::LangSwitchLabel => "Ver esta página en español",
        Msg::SqFt => "{0} sq ft",
        Msg::StateSubmitted => "Submitted",
        Msg::StateScreening => "Screening",
        Msg::StateOwnershipReview => "Ownership review",
        Msg::StateLocationReview => "Location review",
        Msg::StateLotteryPending => "Lottery pending",
        Msg::StateDisclosurePending => "Disclosure pending",
        Msg::StateCouncilApproval => "Council approval",
        Msg::StateClosing => "Closing",
        Msg::StateSold => "Sold",
        Msg::StateDenied => "Denied",
        Msg::StateWithdrawn => "Withdrawn",
        Msg::PlainSubmitted => "We received your application.",
        Msg::PlainScreening => "Staff are checking that your application is complete.",
        Msg::PlainOwnershipReview => "Staff are checking your proof of ownership.",
        Msg::PlainLocationReview => {
            "Staff are checking where your property is in relation to the lot."
        }
        Msg::PlainLotteryPending => {
            "Other neighbours with the same priority want this lot: a public lottery will decide."
        }
        Msg::PlainDisclosurePending => {
            "The lot is set aside for you. Please return the disclosure form you will receive."
        }
        Msg::PlainCouncilApproval => "The sale is waiting for the City Council's approval.",
        Msg::PlainClosing => "The Council approved the sale. Closing is being scheduled.",
        Msg::PlainSold => "The lot is yours: the sale is closed.",
        Msg::PlainDenied => "Your application for this lot was denied.",
        Msg::PlainWithdrawn => "Your application for this lot was withdrawn.",
        Msg::MailHello => "Hello {0},",
        Msg::MailSignature => "sidelot, for the city's planning staff",
        Msg::MailReceivedSubject => "We received your application {0}",
        Msg::MailReceivedBody => {
            "We received your application {0} in {1} for:\n{2}\n\nPlease confirm that this email address is yours:\n{confirm_link}\n\nFollow your application at your private link:\n{status_link}\n\nKeep these links to yourself: anyone who has the second one can see your application.\nIf you did not apply, ignore this email: nothing is confirmed without you."
        }
        Msg::MailLotLine => "  - lot {0}",
        Msg::MailLotAt => "the lot at {0}",
        Msg::MailLotPin => "lot {0}",
        Msg::MailUpdateSubject => "Your application {0}: {1}",
        Msg::MailUpdateBody => {
            "An update on your application {0} for {1}:\n\n{2}\n{3}\nFollow your application at the private link in our first email to you."
        }
        Msg::MailReason => "\nThe reason: {0}\n",
        Msg::MailRankSubject => "Your application {0}: lottery drawn, you are number {1}",
        Msg::MailRankBody => {
            "The public lottery for {0} was drawn. You are number {1} of {2} in its order.\nIf the neighbours ahead of you drop out, the lot goes to you without a new draw, and we will write to you.\n\nAnyone can check the draw at /lottery/{3} on the portal."
        }
        Msg::InLine => {
            "The public lottery was drawn: you are number {0} of {1} in line. The lot is offered to number 1 first. If {2}, it is offered to you without a new draw, and we will write to you."
        }
        Msg::AheadOne => "the neighbour ahead of you drops out",
        Msg::AheadMany => "the {0} neighbours ahead of you drop out",
        Msg::NextSubmitted => {
            "Planning staff will check your ownership and the location. {0} closes on {1}; when several neighbours with the same priority want one lot, a public lottery decides."
        }
        Msg::NextLot => "Lot {0}: {1}",
        Msg::NextNothing => {
            "Nothing more will happen on this application. If you have a question, write to planning staff and quote your tracking code."
        }
        Msg::HistoryReceived => "Application received.",
        Msg::HistoryConfirmed => "Email address confirmed.",
        Msg::DateLong => "{0} {1}, {2}",
        Msg::MonthNames => {
            "January February March April May June July August September October November December"
        }
        Msg::MailLinksSubject => "The links to your applications",
        Msg::MailLinksBody => {
            "You asked for the links to the applications sent with this email address. Here they are:\n\n{0}\nThe links of our earlier emails work too. Keep these links to yourself: anyone who has one can see that application.\nIf you did not ask for them, you can ignore this email: nothing has changed."
        }
        Msg::MailLinksPart => {
            "Application {0} in {1}, for lot {2}:\nFollow it at its private link:\n{3}\n{4}"
        }
        Msg::MailLinksConfirm => "Confirm your email address for it:\n{0}\n",
        Msg::MailLotsJoin => ", lot ",
        Msg::OwnedAt => "at {0}",
        Msg::OwnedWithPin => "with PIN {0}",
        Msg::Feet => "{0} ft",
        Msg::FeetUnder3 => "less than 3 ft",
        Msg::DescAdjacent => "Your property {0} shares a {1} boundary with this lot.",
        Msg::DescAcrossAlley => "Your property {0} is across the alley from this lot, {1} away.",
        Msg::DescSameBlock => "Your property {0} is on the same block as this lot.",
        Msg::DescAcrossStreet => "Your property {0} is across the street from this lot, {1} away.",
        Msg::DescNearby => "Your property {0} is {1} from this lot, but not on its block.",
        Msg::DescNone => "Your property {0} is {1} from this lot, too far to be its neighbour.",
        Msg::VerdictFirst => "In this round that makes you eligible, with the first priority.",
        Msg::VerdictPriority => "In this round that makes you eligible, with priority {0}.",
        Msg::VerdictOnly => "In this round only owners of property {0} may apply.",
        Msg::WhereNextTo => "next to the lot",
        Msg::WhereAcrossAlley => "across the alley from it",
        Msg::WhereOnBlock => "on its block",
        Msg::WhereAcrossStreet => "across the street from it",
        Msg::WhereNear => "near it",
        Msg::WhereAnywhere => "anywhere",
        Msg::JoinOr => "{0}, or {1}",
        Msg::OfferedLater => "This lot will be offered in {0}, which opens on {1}; {2}",
        Msg::OfferedNowhere => "This lot is not offered in any open round.",
        Msg::WhoAdjacent => {
            "owners of a property that shares a boundary with the lot (at least {0})"
        }
        Msg::WhoAcrossAlley => {
            "owners of a property across the alley from the lot (up to {0} away)"
        }
        Msg::WhoSameBlock => "owners of a property on the lot's block",
        Msg::WhoAcrossStreet => {
            "owners of a property across the street from the lot (up to {0} away)"
        }
        Msg::WhoNearby => "owners of a property near the lot (up to {0} away)",
        Msg::WhoAnyone => "anyone",
        Msg::FieldYourName => "Your name",
        Msg::FieldYourEmail => "Your email address",
        Msg::FieldPhone => "The phone number",
        Msg::FieldYourAddress => "Your mailing address",
        Msg::FieldYourPlans => "What you plan",
        Msg::ErrTooLong => "{0} must be at most {1} characters long.",
        Msg::ErrOneLine => "{0} must be on one line, without tabs or other control characters.",
        Msg::ErrManyLines => "{0} may hold line breaks, but no tabs or other control characters.",
        Msg::ErrNameRequired => "Your name is required, as it is written on the deed.",
        Msg::ErrEmailRequired => "Your email address is required: we send your status link there.",
        Msg::ErrNotEmail => "\"{0}\" is not an email address.",
        Msg::ErrNotPhone => "\"{0}\" is not a phone number.",
        Msg::ErrAddressRequired => {
            "Your mailing address is required: the city writes to you there."
        }
        Msg::ErrOwnedRequired => "Name the property you own beside the lot.",
        Msg::ErrLotTwice => "Lot {0} is listed twice.",
        Msg::ErrLotIsOwned => "A lot cannot be the property you own.",
        Msg::ErrNoLot => "Choose at least one lot.",
        Msg::ErrTooManyLots => "This round allows at most {0} lots per application, not {1}.",
        Msg::ErrChooseUse => "Choose one: garden, side yard, parking, play area or other.",
        Msg::ErrSayOther => "Say what you plan, since you chose other.",
        Msg::ErrAttestOwnership => "Confirm that you own the property.",
        Msg::ErrAttestTaxes => "Confirm that your property taxes are paid.",
        Msg::PinEmpty => "The PIN is empty.",
        Msg::PinOverflow => "\"{0}\" is not a PIN: the value did not fit its field.",
        Msg::PinNotCook => {
            "\"{0}\" is not a Cook County PIN: it must have 14 digits (or 10), with or without dashes."
        }
        Msg::PinAllZeros => "\"{0}\" is not a Cook County PIN: a PIN cannot be all zeros.",
        Msg::PinNotNumber => "\"{0}\" is not a number.",
        Msg::PinTooLong => "The PIN is longer than {0} characters.",
        Msg::PinControl => "The PIN holds a control character.",
        Msg::DeedRequired => "Your deed is required: a PDF, JPEG or PNG of it.",
        Msg::DeedEmpty => "The deed's file is empty.",
        Msg::DeedTooLarge => "The deed's file is {0} MB: at most 10 MB.",
        Msg::DeedPdfCut => "The PDF is cut short: send the whole file again.",
        Msg::DeedJpegCut => "The JPEG is cut short: send the whole file again.",
        Msg::DeedPngCut => "The PNG is cut short: send the whole file again.",
        Msg::DeedNotKnown => "The file is not a PDF, JPEG or PNG file.",
        Msg::DeedUploadTooLarge => "The file is larger than 10 MB.",
        Msg::ErrLanguage => "The language must be en (English) or es (Spanish).",
        Msg::ErrLotNotOffered => "Lot {0} is not offered in a round open now.",
        Msg::ErrLotsInRounds => {
            "These lots are offered in different rounds: apply in each round separately."
        }
        Msg::ErrRoundLotLimit => "{0} allows at most {1} lots per application, not {2}.",
        Msg::ErrNoParcelPin => "No parcel has PIN {0}.",
        Msg::ErrNotQualify => "You do not qualify for lot {0}: {1} {2}",
        Msg::ErrOnePerProperty => {
            "An application for this property has been sent in this round already: there can be one per property per round. To see it, open the status link in the email we sent you."
        }
        Msg::ErrServer => "Something went wrong on our side. Please try again later.",
        Msg::ErrUnavailable => {
            "The parcel database cannot be reached right now. Please try again in a moment."
        }
        Msg::ErrNetwork => "The server could not be reached. Check your connection and try again.",
        Msg::ErrNameLot => "Name the lot, by its PIN.",
        Msg::ErrOwnedOnce => {
            "Name the property you own once: by its PIN or by its address, not both."
        }
        Msg::ErrOwnedMissing => "Name the property you own, by its PIN or its address.",
        Msg::ErrOwnedPinMissing => "Name the property you own, by its PIN.",
        Msg::ErrOwnedIsLot => "That is the lot itself: name the property you own beside it.",
        Msg::ErrNoLotPin => "No parcel has PIN {0}: check the lot's PIN.",
        Msg::ErrNoOwnedPin => "No parcel has PIN {0}: check the PIN of your property.",
        Msg::ErrAddressBlank => "The address has no letters or digits.",
        Msg::ErrNoAddress => "No parcel has the address \"{0}\": search for it, or give its PIN.",
        Msg::ErrManyAtAddress => "\"{0}\" names more than one parcel: give the PIN of yours.",
        Msg::ErrNoRound => "No round is called \"{0}\".",
        Msg::ErrSearchEmpty => "Type part of an address or a PIN.",
        Msg::ErrSearchLong => "The search is longer than {0} characters: shorten it.",
        Msg::ErrEmailMissing => "Your email address is required.",
        Msg::ErrEmailShape => "This is not an email address: it looks like name@example.org.",
        Msg::LinksAnswered => {
            "If applications were sent with this email address, we are emailing it new links to each of them now. Look in your inbox, and in your spam folder."
        }
        Msg::LinksThrottled => "You have asked for links several times already. Try again in {0}.",
        Msg::WaitUnits => "second seconds minute minutes hour hours",
        Msg::ErrRoundNotOpen => "The round is not open.",
        Msg::ErrOneInRound => {
            "An application for the property {0} exists already in {1}: one per property per round."
        }
        Msg::SubMailConfirmSubject => "Confirm: tell me when lots open near {0}",
        Msg::SubMailConfirmBody => {
            "You asked to be told by email when the city offers vacant lots that the owner of {0} could buy.\n\nPlease confirm that this email address is yours:\n{subscription_confirm_link}\n\nIf you did not ask, ignore this email: nothing more is sent without your confirmation, and the request is deleted in a week.\n\nTo stop at any time:\n{unsubscribe_link}"
        }
        Msg::SubMailLotsSubject => "Lots you could buy near {0}",
        Msg::SubMailLotsBody => {
            "The round \"{0}\" is open until {1}. As the owner of {2}, you could apply for:\n{3}\n\nSee them on the map and apply:\n{4}\n\nYou get one email a round. To stop these emails:\n{unsubscribe_link}"
        }
        Msg::SubAnswered => {
            "Check your email: we sent you a link to confirm it. Nothing more is sent until you do."
        }
        Msg::SubThrottled => "You have asked several times already. Try again in {0}.",
        Msg::SubConfirming => "Confirming…",
        Msg::SubConfirmed => {
            "Thank you: you will get an email when a round opens with lots near this property."
        }
        Msg::SubLinkUnknown => {
            "This link is not known: it may have been used already, or you unsubscribed. Check that the whole link was copied from the email."
        }
        Msg::SubStopTitle => "Stop the emails about lots near this property",
        Msg::SubStopButton => "Stop the emails",
        Msg::SubStopped => {
            "Done: you will get no more emails about lots near this property, and we deleted your email address."
        }
        Msg::SubFailed => "That did not work just now. Please try the link again in a moment.",
        Msg::SubFormTitle => "Tell me when lots open near this property",
        Msg::SubFormHint => {
            "One email when a round opens with lots the owner of this property could buy. No account needed; one link stops it."
        }
        Msg::SubFormEmail => "Your email",
        Msg::SubFormButton => "Tell me",
        Msg::SubPinMissing => "Choose the property on the map, or give its PIN.",
        Msg::SubTitle => "Lots near your property",
        Msg::LetterHeading => "A vacant lot next to your property is for sale",
        Msg::LetterToOwner => "To the owner of {0}",
        Msg::LetterBody => {
            "The city offers the vacant lot at {0} to its neighbours, in the round \"{1}\": applications open on {2} and close on {3}. As the owner of {4}, you may apply to buy it."
        }
        Msg::LetterAlso => "You may also apply for: {0}.",
        Msg::LetterApply => "See the lot on the map, check whether you qualify, and apply at:",
        Msg::LetterMapCaption => "Green: the lot. Blue outline: your property.",
        Msg::HistoryLotteryEntered => "Entered the lottery as {0}.",
        Msg::HistoryLotteryRedrawEntered => {
            "Entered draw {0} of the lottery as {1} (drawn again because: {2})."
        }
        Msg::HistoryLotteryDrawn => "Number {0} of {1} in the lottery's order ({2}).",
        Msg::ErrSubmissionStoring => {
            "This application is being stored already: wait a moment, then look in your inbox for its email."
        }
        Msg::ErrKeyReused => {
            "This form was sent before with other answers. Reload the page to send a new application."
        }
        Msg::ErrNoLotteryYet => "No lottery has been committed for the round \"{0}\" yet.",
        Msg::ErrNulText => {
            "The text contains a NUL character (U+0000), which cannot be stored: remove it and send again."
        }
        Msg::LinkGoneSubscription => {
            "(this link was in an earlier email: ask again on the portal's map)"
        }
        Msg::LinkGoneApplication => {
            "(this link was in an earlier email: ask for your links again with \"Find my application\" on the portal)"
        }
        Msg::MapCanvasLabel => {
            "Map of parcels: drag or use the arrow keys to move, + and - to zoom"
        }
        Msg::MapAttribution => "Parcels: the county's parcel file",
        Msg::MapToggleAttribution => "Show or hide the map's sources",
        Msg::LotteryWhatAlgorithm => "The algorithm",
        Msg::LotteryWhatEntrants => "The fingerprint of the entrants (SHA-256)",
        Msg::LotteryWhatStatement => "The statement",
        Msg::LotteryWhatSeed => "The seed",
        Msg::LotteryWhatLots => "The lots drawn",
        Msg::LotteryWhatBeacon => "The drand beacon",
        Msg::LotteryWhatRandomness => "The randomness",
        Msg::LotteryWhatLot => "The order of lot {0}",
    }
}
