// English and French. The language comes from a choice saved in this browser, else from the
// browser's own languages; every page has a switch. Times are shown in the viewer's zone.
const STRINGS = {
  en: {
    'lang.switch': 'Français',
    'lang.switch.label': 'Afficher en français',
    'nav.join': 'Join a session',
    'nav.signin': 'Sign in',
    'nav.sessions': 'My sessions',
    'nav.profile': 'Profile',
    'nav.signout': 'Sign out',
    'common.cancel': 'Cancel',
    'common.save': 'Save',
    'common.saved': 'Saved.',
    'common.network': 'Cannot reach the server. Check your connection.',
    'join.title': 'Join a session',
    'join.code.label': 'Enter the 6-digit code',
    'join.submit': 'Join',
    'join.hint': 'Facilitators: sign in or create an account to run sessions.',
    'join.error.digits': 'A code has exactly 6 digits.',
    'join.error.unknown': 'No open session has this code. Check the digits.',
    'join.error.closed': 'This session is closed.',
    'join.error.tries': 'Too many tries. Try again in {seconds} seconds.',
    'live.joining': 'Joining…',
    'live.waiting': 'You are in. The facilitator\'s content appears here.',
    'live.closed.title': 'This session is closed',
    'live.closed.text': 'Thank you for taking part.',
    'live.failed.title': 'Cannot join',
    'live.failed.link': 'Enter a code instead',
    'live.reconnecting': 'Connection lost. Reconnecting…',
    'signin.title': 'Sign in',
    'signin.email': 'Email',
    'signin.password': 'Password',
    'signin.submit': 'Sign in',
    'signup.title': 'Create an account',
    'signup.name': 'Name',
    'signup.password': 'Password (at least 8 characters)',
    'signup.submit': 'Create account',
    'sessions.title': 'My sessions',
    'sessions.create.title': 'Title of a new session',
    'sessions.create.submit': 'Create session',
    'sessions.filter.label': 'Show',
    'sessions.filter.all': 'All',
    'sessions.filter.open': 'Open',
    'sessions.filter.closed': 'Closed',
    'sessions.empty': 'No sessions yet.',
    'sessions.menu': 'Actions for {title}',
    'sessions.open': 'Open',
    'sessions.close': 'Close',
    'sessions.duplicate': 'Duplicate',
    'sessions.delete': 'Delete',
    'sessions.delete.confirm': 'Delete “{title}”? It goes to the trash for 30 days.',
    'sessions.deleted': '“{title}” was deleted.',
    'sessions.undo': 'Undo',
    'sessions.cohost': 'co-facilitator',
    'status.open': 'Open',
    'status.closed': 'Closed',
    'status.until': 'until {time}',
    'status.closed_at': 'closed {time}',
    'status.no_end': 'no end date',
    'session.participants': 'Participants',
    'session.present': 'Projection screen',
    'session.slides': 'Slides',
    'session.slide.title': 'Slide title',
    'session.slide.body': 'Text',
    'session.slide.add': 'Add slide',
    'session.slide.activate': 'Show',
    'session.slide.active': 'On screen',
    'session.slide.up': 'Move up',
    'session.slide.down': 'Move down',
    'session.slide.edit': 'Edit',
    'session.slide.delete': 'Delete',
    'session.slide.join': 'Link and QR code',
    'share.title': 'Share',
    'share.link': 'Join link',
    'share.copy': 'Copy link',
    'share.copied': 'Link copied.',
    'share.code': 'Code',
    'share.newcode': 'Draw a new code',
    'share.newcode.confirm': 'Draw a new code? The current code and link stop working at once.',
    'share.qr': 'QR code of the join link',
    'share.qr.png': 'Download PNG',
    'share.qr.svg': 'Download SVG',
    'share.invite.title': 'Invite by email',
    'share.invite.label': 'Email addresses (paste a list)',
    'share.invite.submit': 'Send invitations',
    'share.invite.sent': 'Invitations sent to {count} addresses.',
    'share.invite.refused': 'Not sent:',
    'share.cohosts.title': 'Co-facilitators',
    'share.cohosts.label': 'Email of a co-facilitator',
    'share.cohosts.add': 'Add',
    'share.cohosts.remove': 'Remove',
    'share.cohosts.pending': 'invited, waiting for sign-up',
    'share.cohosts.revoke': 'Revoke',
    'share.state.title': 'Open and close',
    'share.state.open': 'Open the session',
    'share.state.close': 'Close the session',
    'share.state.ends': 'End date',
    'share.state.days': 'or duration in days',
    'share.state.owner_only': 'Only the owner can change this.',
    'present.code': 'Code',
    'present.join': 'Join at {url}',
    'profile.title': 'Profile',
    'profile.name': 'Name',
    'profile.days': 'Default session duration (days)',
    'profile.password.title': 'Change password',
    'profile.password.current': 'Current password',
    'profile.password.new': 'New password (at least 8 characters)',
  },
  fr: {
    'lang.switch': 'English',
    'lang.switch.label': 'Show in English',
    'nav.join': 'Rejoindre une session',
    'nav.signin': 'Se connecter',
    'nav.sessions': 'Mes sessions',
    'nav.profile': 'Profil',
    'nav.signout': 'Se déconnecter',
    'common.cancel': 'Annuler',
    'common.save': 'Enregistrer',
    'common.saved': 'Enregistré.',
    'common.network': 'Serveur injoignable. Vérifiez votre connexion.',
    'join.title': 'Rejoindre une session',
    'join.code.label': 'Saisissez le code à 6 chiffres',
    'join.submit': 'Rejoindre',
    'join.hint': 'Animateurs : connectez-vous ou créez un compte pour animer des sessions.',
    'join.error.digits': 'Un code compte exactement 6 chiffres.',
    'join.error.unknown': 'Aucune session ouverte n\'a ce code. Vérifiez les chiffres.',
    'join.error.closed': 'Cette session est fermée.',
    'join.error.tries': 'Trop d\'essais. Réessayez dans {seconds} secondes.',
    'live.joining': 'Connexion…',
    'live.waiting': 'Vous y êtes. Le contenu de l\'animateur apparaît ici.',
    'live.closed.title': 'Cette session est fermée',
    'live.closed.text': 'Merci de votre participation.',
    'live.failed.title': 'Impossible de rejoindre',
    'live.failed.link': 'Saisir un code',
    'live.reconnecting': 'Connexion perdue. Reconnexion…',
    'signin.title': 'Se connecter',
    'signin.email': 'E-mail',
    'signin.password': 'Mot de passe',
    'signin.submit': 'Se connecter',
    'signup.title': 'Créer un compte',
    'signup.name': 'Nom',
    'signup.password': 'Mot de passe (8 caractères au moins)',
    'signup.submit': 'Créer le compte',
    'sessions.title': 'Mes sessions',
    'sessions.create.title': 'Titre d\'une nouvelle session',
    'sessions.create.submit': 'Créer la session',
    'sessions.filter.label': 'Afficher',
    'sessions.filter.all': 'Toutes',
    'sessions.filter.open': 'Ouvertes',
    'sessions.filter.closed': 'Fermées',
    'sessions.empty': 'Aucune session pour l\'instant.',
    'sessions.menu': 'Actions pour {title}',
    'sessions.open': 'Ouvrir',
    'sessions.close': 'Fermer',
    'sessions.duplicate': 'Dupliquer',
    'sessions.delete': 'Supprimer',
    'sessions.delete.confirm': 'Supprimer « {title} » ? Elle reste 30 jours dans la corbeille.',
    'sessions.deleted': '« {title} » a été supprimée.',
    'sessions.undo': 'Annuler',
    'sessions.cohost': 'co-animateur',
    'status.open': 'Ouverte',
    'status.closed': 'Fermée',
    'status.until': 'jusqu\'au {time}',
    'status.closed_at': 'fermée le {time}',
    'status.no_end': 'sans date de fin',
    'session.participants': 'Participants',
    'session.present': 'Écran de projection',
    'session.slides': 'Diapositives',
    'session.slide.title': 'Titre de la diapositive',
    'session.slide.body': 'Texte',
    'session.slide.add': 'Ajouter la diapositive',
    'session.slide.activate': 'Afficher',
    'session.slide.active': 'À l\'écran',
    'session.slide.up': 'Monter',
    'session.slide.down': 'Descendre',
    'session.slide.edit': 'Modifier',
    'session.slide.delete': 'Supprimer',
    'session.slide.join': 'Lien et QR code',
    'share.title': 'Partager',
    'share.link': 'Lien pour rejoindre',
    'share.copy': 'Copier le lien',
    'share.copied': 'Lien copié.',
    'share.code': 'Code',
    'share.newcode': 'Tirer un nouveau code',
    'share.newcode.confirm': 'Tirer un nouveau code ? Le code et le lien actuels cessent aussitôt de fonctionner.',
    'share.qr': 'QR code du lien pour rejoindre',
    'share.qr.png': 'Télécharger en PNG',
    'share.qr.svg': 'Télécharger en SVG',
    'share.invite.title': 'Inviter par e-mail',
    'share.invite.label': 'Adresses e-mail (collez une liste)',
    'share.invite.submit': 'Envoyer les invitations',
    'share.invite.sent': 'Invitations envoyées à {count} adresses.',
    'share.invite.refused': 'Non envoyées :',
    'share.cohosts.title': 'Co-animateurs',
    'share.cohosts.label': 'E-mail d\'un co-animateur',
    'share.cohosts.add': 'Ajouter',
    'share.cohosts.remove': 'Retirer',
    'share.cohosts.pending': 'invité, en attente d\'inscription',
    'share.cohosts.revoke': 'Révoquer',
    'share.state.title': 'Ouvrir et fermer',
    'share.state.open': 'Ouvrir la session',
    'share.state.close': 'Fermer la session',
    'share.state.ends': 'Date de fin',
    'share.state.days': 'ou durée en jours',
    'share.state.owner_only': 'Seul le propriétaire peut modifier ceci.',
    'present.code': 'Code',
    'present.join': 'Rejoignez sur {url}',
    'profile.title': 'Profil',
    'profile.name': 'Nom',
    'profile.days': 'Durée par défaut des sessions (jours)',
    'profile.password.title': 'Changer de mot de passe',
    'profile.password.current': 'Mot de passe actuel',
    'profile.password.new': 'Nouveau mot de passe (8 caractères au moins)',
  },
};

const KEY = 'convene.lang';

function pick() {
  const saved = localStorage.getItem(KEY);
  if (saved in STRINGS) return saved;
  for (const language of navigator.languages || [navigator.language]) {
    const base = String(language).slice(0, 2).toLowerCase();
    if (base in STRINGS) return base;
  }
  return 'en';
}

export let lang = pick();

/// The text for `key` in the current language, with {name} placeholders filled.
export function t(key, vars = {}) {
  const text = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

/// An instant (RFC 3339) as a date and time in the viewer's own zone.
export function formatTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' })
    .format(new Date(iso));
}

/// Fills every [data-i18n] element's text and [data-i18n-placeholder|aria-label] attributes.
export function translate(root = document) {
  document.documentElement.lang = lang;
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of root.querySelectorAll('[data-i18n-aria-label]')) {
    element.setAttribute('aria-label', t(element.dataset.i18nAriaLabel));
  }
}

/// Translates the page and wires the language switch (#lang); `onChange` re-renders what
/// the page drew itself.
export function initPage(onChange = () => {}) {
  translate();
  const button = document.getElementById('lang');
  if (!button) return;
  const label = () => {
    button.textContent = t('lang.switch');
    button.setAttribute('aria-label', t('lang.switch.label'));
  };
  label();
  button.addEventListener('click', () => {
    lang = lang === 'en' ? 'fr' : 'en';
    localStorage.setItem(KEY, lang);
    translate();
    label();
    onChange();
  });
}
