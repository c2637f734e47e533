//! El catálogo en español: cada texto que muestran las páginas públicas, en
//! el español de los Estados Unidos, para una lectura sencilla: se habla de
//! usted. Las claves son las del catálogo en inglés (`en.rs`), con los mismos
//! marcadores `{0}`.

use super::Msg;

pub(super) fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::FiguresTitle => "Cifras",
        Msg::FiguresIntro => {
            "Cada ronda: los lotes ofrecidos y vendidos, las solicitudes recibidas y en qué punto están los lotes pedidos. Solo cuentas; no se nombra a nadie."
        }
        Msg::FiguresLink => "Cifras",
        Msg::AwardedDownload => {
            "Los lotes adjudicados y vendidos en {0}, en GeoJSON para un programa de mapas (SIG)"
        }
        Msg::FindLink => "Encontrar mi solicitud",
        Msg::OfferedIn => "Se ofrece en",
        Msg::Price => "Precio",
        Msg::PriceNotSet => "Lo fija la ciudad al cierre de la venta",
        Msg::ApplyBy => "Solicite antes del",
        Msg::HowItWorksRules => "Las reglas de la ronda y cómo funciona una venta",
        Msg::HowItWorksLink => "Cómo funciona",
        Msg::HowIntro => {
            "La ciudad vende los lotes baldíos que son suyos a los vecinos que viven al lado, por rondas. Así funciona una venta, y estas son las reglas de cada ronda."
        }
        Msg::HowStep1 => {
            "En el mapa, abra un lote en venta (verde) y pregunte «¿Califico?» con la dirección o el PIN de su propiedad: recibe la respuesta al momento, y el porqué."
        }
        Msg::HowStep2 => {
            "Presente su solicitud antes de que cierre la ronda: su nombre, sus datos de contacto y una copia de su escritura (PDF, JPEG o PNG). Recibe un código de seguimiento."
        }
        Msg::HowStep3 => {
            "Confirme su correo electrónico con el primer enlace del mensaje que le enviamos, y guarde el segundo: es su página privada, donde sigue su solicitud."
        }
        Msg::HowStep4 => {
            "El personal de planificación comprueba que usted es dueño de la propiedad y que está junto al lote como usted indicó."
        }
        Msg::HowStep5 => {
            "Cuando varios vecinos con la misma prioridad quieren el mismo lote, decide un sorteo público. El sorteo se compromete antes de hacerse, y cualquiera puede comprobarlo."
        }
        Msg::HowStep6 => {
            "El lote reservado para usted pasa luego por la declaración, la aprobación del Concejo Municipal y el cierre, donde paga su precio y pasa a ser suyo."
        }
        Msg::HowRounds => "Las rondas",
        Msg::HowDates => "Las solicitudes se abren el {0} y se cierran el {1}.",
        Msg::HowLots => "Se ofrecen {0} lotes. Una solicitud puede pedir hasta {1} lotes.",
        Msg::HowWhoMay => {
            "Quién puede presentar una solicitud, de la primera prioridad a la última:"
        }
        Msg::HowPriority => {
            "Para un mismo lote, un vecino con más prioridad va antes que uno con menos; entre vecinos con la misma prioridad, decide el sorteo público."
        }
        Msg::HowLotteryLink => "Los sorteos de {0}",
        Msg::HowFiguresLink => "Las cifras del programa",
        Msg::FindTitle => "Encontrar mi solicitud",
        Msg::FindIntro => {
            "¿Perdió el mensaje con sus enlaces? Escriba el correo electrónico con el que presentó su solicitud: le enviaremos a ese correo enlaces nuevos para cada solicitud hecha con él. Los enlaces nunca se muestran aquí."
        }
        Msg::FindEmail => "Su correo electrónico",
        Msg::FindSend => "Envíenme mis enlaces",
        Msg::FindSending => "Enviando…",
        Msg::FindLost => "¿Perdió su enlace? Encuentre su solicitud",
        Msg::SiteLinks => "Sitio",
        Msg::LotsOffered => "Lotes ofrecidos",
        Msg::LotsSold => "Lotes vendidos",
        Msg::ApplicationsCount => "Solicitudes",
        Msg::RequestedLotsByState => "Lotes pedidos, según en qué punto están",
        Msg::NoRoundsYet => "Todavía no se ha abierto ninguna ronda.",
        Msg::LotteryTitle => "Sorteo",
        Msg::LotteryOf => "El sorteo de {0}",
        Msg::LotteryNotRanked => {
            "Los participantes de cada lote, por sus números públicos en orden alfabético: esto no es una clasificación. El sorteo decidirá su orden."
        }
        Msg::LotteryLotOf => "Lote {0} en el sorteo de {1}",
        Msg::LotteryWholeRound => "El sorteo completo de {0}, todos los lotes",
        Msg::LotteryLotAbsent => "El lote {0} no estaba en este sorteo.",
        Msg::LotteryDrawnIntro => {
            "Este sorteo ordenó a los vecinos con la misma prioridad que querían el mismo lote. Se comprometió antes de hacerse, y cualquiera puede volver a calcularlo con lo que se muestra aquí."
        }
        Msg::LotteryCommittedIntro => {
            "Los participantes están fijados y comprometidos. El sorteo usará la fuente de azar indicada abajo, cuando su valor exista."
        }
        Msg::LotteryRedraw => "Este es el sorteo número {0}. Por qué se sorteó de nuevo: {1}",
        Msg::LotteryAlgorithm => "Algoritmo",
        Msg::LotteryCommitted => "Comprometido",
        Msg::LotterySource => "Fuente de azar (indicada de antemano)",
        Msg::LotteryEntrantsHash => "SHA-256 de la lista de participantes",
        Msg::LotteryRandomness => "Azar",
        Msg::LotteryBeacon => "Baliza drand",
        Msg::LotteryBeaconOf => "ronda {0}, firma {1}",
        Msg::LotterySeed => "Semilla",
        Msg::LotteryNotYet => "todavía no sorteado",
        Msg::LotteryDrawnAt => "Sorteado",
        Msg::LotteryStatement => "Declaración",
        Msg::LotteryResults => "Participantes ordenados por lote (primero el número 1)",
        Msg::LotteryEntrants => "Participantes por lote",
        Msg::LotteryLot => "Lote {0}",
        Msg::LotteryVerify => "Comprobar",
        Msg::LotteryDownload => "Descargar el archivo del sorteo (JSON)",
        Msg::LotteryMatches => {
            "Coincide: el hash de los participantes, la declaración, la semilla y el orden de cada lote se volvieron a calcular en su navegador y concuerdan con lo publicado."
        }
        Msg::LotteryDiffers => "No coincide. Lo que difiere:",
        Msg::LotteryDifference => "{0}: publicado {1}, calculado {2}",
        Msg::LotteryHowToCheck => {
            "Compruébelo usted mismo: el archivo de arriba, el procedimiento en docs/lottery.md y el comando sidelot lottery verify ARCHIVO.json, o cualquier implementación del procedimiento. Comprobar también verifica la firma de la baliza drand con la clave pública de la cadena quicknet."
        }
        Msg::LotteryStanding => "Sorteo: usted participó como {0}; es el número {1} de {2}.",
        Msg::LotteryEntered => {
            "Sorteo: usted participó como {0}; el sorteo todavía no se ha hecho."
        }
        Msg::ByWard => "Por distrito",
        Msg::Ward => "Distrito",
        Msg::RequestedLots => "Lotes pedidos",
        Msg::Where => "En qué punto está",
        Msg::Reason => "Motivo: {0}",
        Msg::LotPrefix => "Lote {0}: ",
        Msg::Title => "sidelot",
        Msg::Tagline => "Lotes baldíos para los vecinos que viven al lado",
        Msg::MapLabel => "Mapa de parcelas",
        Msg::Legend => "Estado de la parcela",
        Msg::StatusAvailable => "En venta",
        Msg::StatusPending => "Solicitud en trámite",
        Msg::StatusSold => "Vendido",
        Msg::StatusNotForSale => "No está en venta",
        Msg::ZoomIn => {
            "Acérquese para ver cada parcela; los lotes en venta se ven a cualquier distancia"
        }
        Msg::ForSaleOnly => "Solo lotes en venta",
        Msg::Loading => "Cargando parcelas…",
        Msg::LoadFailed => "No se pudieron cargar las parcelas",
        Msg::Retry => "Reintentar",
        Msg::Truncated => "Hay demasiadas parcelas aquí: acérquese para verlas todas",
        Msg::ParcelsShown => "parcelas a la vista",
        Msg::Pin => "PIN",
        Msg::Address => "Dirección",
        Msg::Area => "Superficie",
        Msg::Status => "Estado",
        Msg::NoAddress => "Sin dirección registrada",
        Msg::Close => "Cerrar",
        Msg::Qualify => "¿Califico?",
        Msg::SearchLabel => "Buscar una dirección o un PIN",
        Msg::SearchHint => "Por ejemplo 5312 W Van Buren o 16-16-214",
        Msg::SearchButton => "Buscar",
        Msg::Searching => "Buscando…",
        Msg::SearchNone => "Ninguna parcela coincide con «{0}»",
        Msg::SearchFailed => "La búsqueda falló: {0}",
        Msg::SearchCount => "{0} encontradas: use las flechas y Enter para elegir",
        Msg::SearchTooShort => "Escriba al menos 2 caracteres",
        Msg::ListShow => "Listar las parcelas a la vista",
        Msg::ListHide => "Ocultar la lista",
        Msg::ListTitle => "Parcelas a la vista",
        Msg::ListTitleForSale => "Lotes en venta a la vista",
        Msg::ListEmpty => "No hay parcelas a la vista.",
        Msg::ListZoomIn => "Acérquese en el mapa para listar sus parcelas.",
        Msg::ListPartial => "Se muestran {0} de {1}: acérquese o mueva el mapa para ver las demás.",
        Msg::ListOpenParcel => "Abrir la parcela {0}",
        Msg::ParcelFailed => "No se pudo abrir la parcela {0}: {1}",
        Msg::OwnedLabel => "La dirección o el PIN de la propiedad de la que es dueño",
        Msg::Checking => "Comprobando…",
        Msg::CheckFailed => "No se pudo comprobar: {0}",
        Msg::Eligible => "Usted califica para este lote.",
        Msg::NotEligible => "Usted no califica para este lote.",
        Msg::AlreadyApplied => {
            "Esta propiedad ya presentó una solicitud en esta ronda: hay una solicitud por propiedad y por ronda. Para verla o seguirla, abra el enlace de seguimiento del mensaje que recibió."
        }
        Msg::OthersNone => "Ningún otro vecino ha pedido este lote todavía.",
        Msg::OthersOne => {
            "Otro vecino ha pedido este lote; con la misma prioridad, decide un sorteo público."
        }
        Msg::OthersMany => {
            "{0} vecinos más han pedido este lote; con la misma prioridad, decide un sorteo público."
        }
        Msg::NotOffered => "Esta parcela no está en venta.",
        Msg::ApplyLater => {
            "Presente su solicitud en línea: toma unos minutos, con su escritura a mano."
        }
        Msg::ApplyTitle => "Solicitar el lote {0}",
        Msg::ApplyIntro => {
            "Cuatro pasos cortos. Cada campo se revisa a medida que avanza; no se envía nada hasta el último paso."
        }
        Msg::StepOf => "Paso {0} de {1}: {2}",
        Msg::StepLots => "Su propiedad y los lotes",
        Msg::StepYou => "Sus datos",
        Msg::StepPlans => "Sus planes",
        Msg::StepProof => "Prueba y compromisos",
        Msg::Next => "Siguiente",
        Msg::Back => "Atrás",
        Msg::Submit => "Enviar mi solicitud",
        Msg::Sending => "Enviando…",
        Msg::OwnedProperty => "La propiedad de la que es dueño",
        Msg::LotsAsked => "El lote que solicita",
        Msg::AnotherLot => "Otros lotes para los que califica (opcional)",
        Msg::AnotherLotHint => {
            "Esta ronda permite hasta {0} lotes por solicitud. Marque también los otros que quiera."
        }
        Msg::OtherLotsLoading => {
            "Buscando los otros lotes de esta ronda para los que califica su propiedad..."
        }
        Msg::OtherLotsNone => "Ningún otro lote de esta ronda califica para su propiedad.",
        Msg::ApplicantName => "Su nombre, como aparece en la escritura",
        Msg::Email => "Correo electrónico",
        Msg::EmailHint => "Aquí le enviamos su enlace privado de seguimiento.",
        Msg::Phone => "Teléfono (opcional)",
        Msg::MailingAddress => "Dirección postal",
        Msg::PlannedUse => "¿Qué hará con el lote?",
        Msg::UseGarden => "Jardín",
        Msg::UseSideYard => "Patio lateral",
        Msg::UseParking => "Estacionamiento",
        Msg::UsePlayArea => "Área de juegos",
        Msg::UseOther => "Otro",
        Msg::UseDetails => "Cuéntenos más (obligatorio si elige otro)",
        Msg::Deed => "Su escritura (PDF, JPEG o PNG, de 10 MB como máximo)",
        Msg::AttestOwnership => "Soy dueño de la propiedad indicada arriba.",
        Msg::AttestTaxes => "Los impuestos sobre la propiedad están pagados.",
        Msg::ErrorSummary => "Corrija estos campos, por favor:",
        Msg::SendFailed => "No se pudo enviar su solicitud: {0}",
        Msg::ApplyLink => "Solicitar este lote",
        Msg::BackToMap => "Volver al mapa",
        Msg::StatusTitle => "Solicitud {0}",
        Msg::StatusLoading => "Cargando su solicitud…",
        Msg::StatusMissing => {
            "Ninguna solicitud tiene este enlace de seguimiento. Compruebe que copió el enlace completo, y use el mensaje más reciente si le enviamos enlaces nuevos."
        }
        Msg::Received => "Recibida el {0} en {1}.",
        Msg::EmailConfirmed => "Su correo electrónico está confirmado.",
        Msg::EmailNotConfirmed => {
            "Confirme su correo electrónico, por favor: siga el primer enlace del mensaje que le enviamos."
        }
        Msg::Confirming => "Confirmando su correo electrónico…",
        Msg::ConfirmedNow => "Gracias: su correo electrónico está confirmado.",
        Msg::ConfirmedBefore => "Su correo electrónico ya estaba confirmado.",
        Msg::ConfirmedNext => "Siga su solicitud con el enlace privado del mismo mensaje.",
        Msg::ConfirmMissing => {
            "No conocemos este enlace de confirmación. Compruebe que copió el enlace completo del mensaje, y use el mensaje más reciente si le enviamos enlaces nuevos."
        }
        Msg::ConfirmFailed => {
            "No se pudo confirmar su correo electrónico en este momento. Vuelva a probar el enlace en un rato, por favor."
        }
        Msg::YourLots => "Sus lotes",
        Msg::History => "Lo que ha pasado",
        Msg::NextStep => "Lo que sigue",
        Msg::Relation => "Relación",
        Msg::KeepLink => {
            "Guarde la dirección de esta página: es su enlace privado a esta solicitud."
        }
        Msg::MissingContext => {
            "Primero abra el lote en el mapa y use «¿Califico?»: esta página necesita el lote y su propiedad."
        }
        Msg::LangSwitchLabel => "View this page in English",
        Msg::SqFt => "{0} pies²",
        Msg::StateSubmitted => "Recibida",
        Msg::StateScreening => "Revisión inicial",
        Msg::StateOwnershipReview => "Revisión de la propiedad",
        Msg::StateLocationReview => "Revisión de la ubicación",
        Msg::StateLotteryPending => "Pendiente de sorteo",
        Msg::StateDisclosurePending => "Pendiente de la declaración",
        Msg::StateCouncilApproval => "Aprobación del Concejo",
        Msg::StateClosing => "Cierre de la venta",
        Msg::StateSold => "Vendido",
        Msg::StateDenied => "Denegada",
        Msg::StateWithdrawn => "Retirada",
        Msg::PlainSubmitted => "Recibimos su solicitud.",
        Msg::PlainScreening => "El personal está comprobando que su solicitud está completa.",
        Msg::PlainOwnershipReview => "El personal está revisando su prueba de propiedad.",
        Msg::PlainLocationReview => {
            "El personal está comprobando dónde está su propiedad con respecto al lote."
        }
        Msg::PlainLotteryPending => {
            "Otros vecinos con la misma prioridad quieren este lote: decidirá un sorteo público."
        }
        Msg::PlainDisclosurePending => {
            "El lote está reservado para usted. Devuelva, por favor, el formulario de declaración que recibirá."
        }
        Msg::PlainCouncilApproval => "La venta espera la aprobación del Concejo Municipal.",
        Msg::PlainClosing => "El Concejo aprobó la venta. Se está fijando la fecha del cierre.",
        Msg::PlainSold => "El lote es suyo: la venta está cerrada.",
        Msg::PlainDenied => "Su solicitud de este lote fue denegada.",
        Msg::PlainWithdrawn => "Su solicitud de este lote fue retirada.",
        Msg::MailHello => "Hola, {0}:",
        Msg::MailSignature => "sidelot, para el personal de planificación de la ciudad",
        Msg::MailReceivedSubject => "Recibimos su solicitud {0}",
        Msg::MailReceivedBody => {
            "Recibimos su solicitud {0} en {1} para:\n{2}\n\nConfirme, por favor, que este correo electrónico es suyo:\n{confirm_link}\n\nSiga su solicitud con su enlace privado:\n{status_link}\n\nNo comparta estos enlaces: cualquiera que tenga el segundo puede ver su solicitud.\nSi usted no presentó ninguna solicitud, ignore este mensaje: nada se confirma sin usted."
        }
        Msg::MailLotLine => "  - lote {0}",
        Msg::MailLotAt => "el lote de {0}",
        Msg::MailLotPin => "el lote {0}",
        Msg::MailUpdateSubject => "Su solicitud {0}: {1}",
        Msg::MailUpdateBody => {
            "Novedades de su solicitud {0} para {1}:\n\n{2}\n{3}\nSiga su solicitud con el enlace privado de nuestro primer mensaje."
        }
        Msg::MailReason => "\nEl motivo: {0}\n",
        Msg::MailRankSubject => "Su solicitud {0}: sorteo hecho, usted es el número {1}",
        Msg::MailRankBody => {
            "Se hizo el sorteo público de {0}. Usted es el número {1} de {2} en su orden.\nSi los vecinos que van antes que usted se retiran, el lote pasa a usted sin un nuevo sorteo, y le escribiremos.\n\nCualquiera puede comprobar el sorteo en /lottery/{3} del portal."
        }
        Msg::InLine => {
            "Se hizo el sorteo público: usted es el número {0} de {1} en la fila. El lote se ofrece primero al número 1. Si {2}, se le ofrece a usted sin un nuevo sorteo, y le escribiremos."
        }
        Msg::AheadOne => "el vecino que va antes que usted se retira",
        Msg::AheadMany => "los {0} vecinos que van antes que usted se retiran",
        Msg::NextSubmitted => {
            "El personal de planificación revisará su propiedad y la ubicación. {0} cierra el {1}; cuando varios vecinos con la misma prioridad quieren un mismo lote, decide un sorteo público."
        }
        Msg::NextLot => "Lote {0}: {1}",
        Msg::NextNothing => {
            "No pasará nada más con esta solicitud. Si tiene alguna pregunta, escriba al personal de planificación e indique su código de seguimiento."
        }
        Msg::HistoryReceived => "Solicitud recibida.",
        Msg::HistoryConfirmed => "Correo electrónico confirmado.",
        Msg::DateLong => "{1} de {0} de {2}",
        Msg::MonthNames => {
            "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
        }
        Msg::MailLinksSubject => "Los enlaces a sus solicitudes",
        Msg::MailLinksBody => {
            "Usted pidió los enlaces a las solicitudes enviadas con este correo electrónico. Aquí están:\n\n{0}\nLos enlaces de nuestros mensajes anteriores también funcionan. No comparta estos enlaces: cualquiera que tenga uno puede ver esa solicitud.\nSi usted no los pidió, puede ignorar este mensaje: no ha cambiado nada."
        }
        Msg::MailLinksPart => {
            "Solicitud {0} en {1}, para el lote {2}:\nSígala con su enlace privado:\n{3}\n{4}"
        }
        Msg::MailLinksConfirm => "Confirme su correo electrónico para ella:\n{0}\n",
        Msg::MailLotsJoin => ", lote ",
        Msg::OwnedAt => "en {0}",
        Msg::OwnedWithPin => "con el PIN {0}",
        Msg::Feet => "{0} pies",
        Msg::FeetUnder3 => "menos de 3 pies",
        Msg::DescAdjacent => "Su propiedad {0} comparte con este lote un lindero de {1}.",
        Msg::DescAcrossAlley => {
            "Su propiedad {0} está al otro lado del callejón de este lote, a {1}."
        }
        Msg::DescSameBlock => "Su propiedad {0} está en la misma cuadra que este lote.",
        Msg::DescAcrossStreet => {
            "Su propiedad {0} está al otro lado de la calle de este lote, a {1}."
        }
        Msg::DescNearby => "Su propiedad {0} está a {1} de este lote, pero no en su cuadra.",
        Msg::DescNone => {
            "Su propiedad {0} está a {1} de este lote, demasiado lejos para ser su vecina."
        }
        Msg::VerdictFirst => {
            "En esta ronda, eso le da derecho a solicitarlo, con la primera prioridad."
        }
        Msg::VerdictPriority => {
            "En esta ronda, eso le da derecho a solicitarlo, con la prioridad {0}."
        }
        Msg::VerdictOnly => {
            "En esta ronda solo pueden solicitarlo los dueños de una propiedad {0}."
        }
        Msg::WhereNextTo => "junto al lote",
        Msg::WhereAcrossAlley => "al otro lado de su callejón",
        Msg::WhereOnBlock => "en su cuadra",
        Msg::WhereAcrossStreet => "al otro lado de su calle",
        Msg::WhereNear => "cerca de él",
        Msg::WhereAnywhere => "en cualquier lugar",
        Msg::JoinOr => "{0} o {1}",
        Msg::OfferedLater => "Este lote se ofrecerá en {0}, que abre el {1}; {2}",
        Msg::OfferedNowhere => "Este lote no se ofrece en ninguna ronda abierta.",
        Msg::WhoAdjacent => {
            "los dueños de una propiedad que comparte un lindero con el lote (de al menos {0})"
        }
        Msg::WhoAcrossAlley => {
            "los dueños de una propiedad al otro lado del callejón del lote (a {0} como máximo)"
        }
        Msg::WhoSameBlock => "los dueños de una propiedad en la cuadra del lote",
        Msg::WhoAcrossStreet => {
            "los dueños de una propiedad al otro lado de la calle del lote (a {0} como máximo)"
        }
        Msg::WhoNearby => "los dueños de una propiedad cerca del lote (a {0} como máximo)",
        Msg::WhoAnyone => "cualquier persona",
        Msg::FieldYourName => "Su nombre",
        Msg::FieldYourEmail => "Su correo electrónico",
        Msg::FieldPhone => "El número de teléfono",
        Msg::FieldYourAddress => "Su dirección postal",
        Msg::FieldYourPlans => "Lo que piensa hacer",
        Msg::ErrTooLong => "{0} debe tener como máximo {1} caracteres.",
        Msg::ErrOneLine => {
            "{0} debe ocupar una sola línea, sin tabulaciones ni otros caracteres de control."
        }
        Msg::ErrManyLines => {
            "{0} puede tener saltos de línea, pero no tabulaciones ni otros caracteres de control."
        }
        Msg::ErrNameRequired => "Falta su nombre, tal como está escrito en la escritura.",
        Msg::ErrEmailRequired => {
            "Falta su correo electrónico: allí le enviamos el enlace para seguir su solicitud."
        }
        Msg::ErrNotEmail => "\"{0}\" no es una dirección de correo electrónico.",
        Msg::ErrNotPhone => "\"{0}\" no es un número de teléfono.",
        Msg::ErrAddressRequired => "Falta su dirección postal: la ciudad le escribe allí.",
        Msg::ErrOwnedRequired => "Indique la propiedad que usted tiene junto al lote.",
        Msg::ErrLotTwice => "El lote {0} aparece dos veces.",
        Msg::ErrLotIsOwned => "Un lote no puede ser la propiedad que usted tiene.",
        Msg::ErrNoLot => "Elija al menos un lote.",
        Msg::ErrTooManyLots => "Esta ronda permite como máximo {0} lotes por solicitud, no {1}.",
        Msg::ErrChooseUse => {
            "Elija una opción: jardín, patio lateral, estacionamiento, área de juegos u otro."
        }
        Msg::ErrSayOther => "Diga qué piensa hacer, ya que eligió «otro».",
        Msg::ErrAttestOwnership => "Confirme que la propiedad es suya.",
        Msg::ErrAttestTaxes => "Confirme que los impuestos de su propiedad están pagados.",
        Msg::PinEmpty => "Falta el PIN.",
        Msg::PinOverflow => "\"{0}\" no es un PIN: el valor no cupo en su campo.",
        Msg::PinNotCook => {
            "\"{0}\" no es un PIN del condado de Cook: debe tener 14 dígitos (o 10), con o sin guiones."
        }
        Msg::PinAllZeros => {
            "\"{0}\" no es un PIN del condado de Cook: un PIN no puede ser todo ceros."
        }
        Msg::PinNotNumber => "\"{0}\" no es un número.",
        Msg::PinTooLong => "El PIN tiene más de {0} caracteres.",
        Msg::PinControl => "El PIN contiene un carácter de control.",
        Msg::DeedRequired => "Falta su escritura: un PDF, JPEG o PNG de ella.",
        Msg::DeedEmpty => "El archivo de la escritura está vacío.",
        Msg::DeedTooLarge => "El archivo de la escritura pesa {0} MB: el máximo es 10 MB.",
        Msg::DeedPdfCut => "El PDF está incompleto: envíe de nuevo el archivo entero.",
        Msg::DeedJpegCut => "El JPEG está incompleto: envíe de nuevo el archivo entero.",
        Msg::DeedPngCut => "El PNG está incompleto: envíe de nuevo el archivo entero.",
        Msg::DeedNotKnown => "El archivo no es un PDF, JPEG ni PNG.",
        Msg::DeedUploadTooLarge => "El archivo pesa más de 10 MB.",
        Msg::ErrLanguage => "El idioma debe ser en (inglés) o es (español).",
        Msg::ErrLotNotOffered => "El lote {0} no se ofrece en ninguna ronda abierta ahora.",
        Msg::ErrLotsInRounds => {
            "Estos lotes se ofrecen en rondas distintas: presente una solicitud en cada ronda."
        }
        Msg::ErrRoundLotLimit => "{0} permite como máximo {1} lotes por solicitud, no {2}.",
        Msg::ErrNoParcelPin => "Ninguna parcela tiene el PIN {0}.",
        Msg::ErrNotQualify => "Usted no puede solicitar el lote {0}: {1} {2}",
        Msg::ErrOnePerProperty => {
            "Ya se envió una solicitud para esta propiedad en esta ronda: puede haber una por propiedad en cada ronda. Para verla, abra el enlace de seguimiento del correo que le enviamos."
        }
        Msg::ErrServer => "Algo salió mal de nuestro lado. Vuelva a intentarlo más tarde.",
        Msg::ErrUnavailable => {
            "No se puede consultar la base de datos de parcelas en este momento. Vuelva a intentarlo en un momento."
        }
        Msg::ErrNetwork => {
            "No se pudo conectar con el servidor. Revise su conexión y vuelva a intentarlo."
        }
        Msg::ErrNameLot => "Indique el lote, por su PIN.",
        Msg::ErrOwnedOnce => {
            "Indique su propiedad una sola vez: por su PIN o por su dirección, no ambos."
        }
        Msg::ErrOwnedMissing => "Indique la propiedad que usted tiene, por su PIN o su dirección.",
        Msg::ErrOwnedPinMissing => "Indique la propiedad que usted tiene, por su PIN.",
        Msg::ErrOwnedIsLot => {
            "Ese es el lote mismo: indique la propiedad que usted tiene junto a él."
        }
        Msg::ErrNoLotPin => "Ninguna parcela tiene el PIN {0}: revise el PIN del lote.",
        Msg::ErrNoOwnedPin => "Ninguna parcela tiene el PIN {0}: revise el PIN de su propiedad.",
        Msg::ErrAddressBlank => "La dirección no tiene letras ni números.",
        Msg::ErrNoAddress => {
            "Ninguna parcela tiene la dirección \"{0}\": búsquela o indique su PIN."
        }
        Msg::ErrManyAtAddress => {
            "\"{0}\" corresponde a más de una parcela: indique el PIN de la suya."
        }
        Msg::ErrNoRound => "No hay ninguna ronda llamada \"{0}\".",
        Msg::ErrSearchEmpty => "Escriba parte de una dirección o de un PIN.",
        Msg::ErrSearchLong => "La búsqueda tiene más de {0} caracteres: acórtela.",
        Msg::ErrEmailMissing => "Falta su correo electrónico.",
        Msg::ErrEmailShape => {
            "Esto no es una dirección de correo electrónico: tiene la forma nombre@example.org."
        }
        Msg::LinksAnswered => {
            "Si se enviaron solicitudes con este correo electrónico, le estamos enviando ahora nuevos enlaces a cada una. Busque en su bandeja de entrada y en la de correo no deseado."
        }
        Msg::LinksThrottled => {
            "Ya pidió los enlaces varias veces. Vuelva a intentarlo dentro de {0}."
        }
        Msg::WaitUnits => "segundo segundos minuto minutos hora horas",
        Msg::ErrRoundNotOpen => "La ronda no está abierta.",
        Msg::ErrOneInRound => {
            "Ya existe una solicitud para la propiedad {0} en {1}: una por propiedad en cada ronda."
        }
        Msg::SubMailConfirmSubject => "Confirme: avíseme cuando haya lotes cerca de {0}",
        Msg::SubMailConfirmBody => {
            "Usted pidió que le avisemos por correo cuando la ciudad ofrezca lotes baldíos que el dueño de {0} podría comprar.\n\nConfirme que esta dirección de correo es suya:\n{subscription_confirm_link}\n\nSi no lo pidió, ignore este correo: no le enviaremos nada más sin su confirmación, y la solicitud se borra en una semana.\n\nPara dejar de recibir avisos en cualquier momento:\n{unsubscribe_link}"
        }
        Msg::SubMailLotsSubject => "Lotes que podría comprar cerca de {0}",
        Msg::SubMailLotsBody => {
            "La ronda \"{0}\" está abierta hasta el {1}. Como dueño de {2}, podría solicitar:\n{3}\n\nVéalos en el mapa y haga su solicitud:\n{4}\n\nRecibirá un correo por ronda. Para dejar de recibir estos correos:\n{unsubscribe_link}"
        }
        Msg::SubAnswered => {
            "Revise su correo: le enviamos un enlace para confirmarlo. No le enviaremos nada más hasta que lo haga."
        }
        Msg::SubThrottled => "Ya lo pidió varias veces. Vuelva a intentarlo en {0}.",
        Msg::SubConfirming => "Confirmando…",
        Msg::SubConfirmed => {
            "Gracias: recibirá un correo cuando se abra una ronda con lotes cerca de esta propiedad."
        }
        Msg::SubLinkUnknown => {
            "Este enlace no es válido: quizás ya se usó, o usted canceló el aviso. Compruebe que copió el enlace completo del correo."
        }
        Msg::SubStopTitle => "Dejar de recibir los correos sobre lotes cerca de esta propiedad",
        Msg::SubStopButton => "Dejar de recibirlos",
        Msg::SubStopped => {
            "Listo: no recibirá más correos sobre lotes cerca de esta propiedad, y borramos su correo electrónico."
        }
        Msg::SubFailed => "No funcionó en este momento. Vuelva a intentar el enlace en un momento.",
        Msg::SubFormTitle => "Avíseme cuando haya lotes cerca de esta propiedad",
        Msg::SubFormHint => {
            "Un correo cuando se abra una ronda con lotes que el dueño de esta propiedad podría comprar. No necesita una cuenta; un enlace lo detiene."
        }
        Msg::SubFormEmail => "Su correo electrónico",
        Msg::SubFormButton => "Avíseme",
        Msg::SubPinMissing => "Elija la propiedad en el mapa, o escriba su PIN.",
        Msg::SubTitle => "Lotes cerca de su propiedad",
        Msg::LetterHeading => "Se vende un lote baldío junto a su propiedad",
        Msg::LetterToOwner => "Al dueño de {0}",
        Msg::LetterBody => {
            "La ciudad ofrece el lote baldío de {0} a sus vecinos, en la ronda \"{1}\": las solicitudes se abren el {2} y se cierran el {3}. Como dueño de {4}, puede solicitar comprarlo."
        }
        Msg::LetterAlso => "También puede solicitar: {0}.",
        Msg::LetterApply => {
            "Vea el lote en el mapa, compruebe si puede solicitarlo, y haga su solicitud en:"
        }
        Msg::LetterMapCaption => "Verde: el lote. Contorno azul: su propiedad.",
        Msg::HistoryLotteryEntered => "Entró en el sorteo como {0}.",
        Msg::HistoryLotteryRedrawEntered => {
            "Entró en el sorteo número {0} como {1} (se sorteó de nuevo por este motivo: {2})."
        }
        Msg::HistoryLotteryDrawn => "Número {0} de {1} en el orden del sorteo ({2}).",
        Msg::ErrSubmissionStoring => {
            "Esta solicitud ya se está guardando: espere un momento y busque su correo en la bandeja de entrada."
        }
        Msg::ErrKeyReused => {
            "Este formulario ya se envió con otras respuestas. Vuelva a cargar la página para enviar una solicitud nueva."
        }
        Msg::ErrNoLotteryYet => "Todavía no se ha fijado ningún sorteo para la ronda \"{0}\".",
        Msg::ErrNulText => {
            "El texto contiene un carácter NUL (U+0000), que no se puede guardar: quítelo y vuelva a enviarlo."
        }
        Msg::LinkGoneSubscription => {
            "(este enlace estaba en un correo anterior: vuelva a pedirlo en el mapa del portal)"
        }
        Msg::LinkGoneApplication => {
            "(este enlace estaba en un correo anterior: pida sus enlaces de nuevo con \"Encontrar mi solicitud\" en el portal)"
        }
        Msg::MapCanvasLabel => {
            "Mapa de parcelas: arrastre o use las flechas del teclado para moverse, y + y - para acercar o alejar"
        }
        Msg::MapAttribution => "Parcelas: el archivo de parcelas del condado",
        Msg::MapToggleAttribution => "Mostrar u ocultar las fuentes del mapa",
        Msg::LotteryWhatAlgorithm => "El algoritmo",
        Msg::LotteryWhatEntrants => "La huella de los participantes (SHA-256)",
        Msg::LotteryWhatStatement => "La declaración",
        Msg::LotteryWhatSeed => "La semilla",
        Msg::LotteryWhatLots => "Los lotes sorteados",
        Msg::LotteryWhatBeacon => "La baliza de drand",
        Msg::LotteryWhatRandomness => "El valor aleatorio",
        Msg::LotteryWhatLot => "El orden del lote {0}",
    }
}
