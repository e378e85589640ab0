// The participant's identity in this browser: one token per session, kept across refreshes
// so that coming back is the same participant.
const KEY = 'convene.participant';

export function saveParticipant(joined) {
  localStorage.setItem(KEY, JSON.stringify({
    token: joined.participant_token,
    id: joined.participant_id,
    session: joined.session.id,
  }));
}

export function savedParticipant() {
  try {
    return JSON.parse(localStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}
