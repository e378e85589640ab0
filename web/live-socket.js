// The live state of one session over a WebSocket that reconnects by itself after a network
// blip, with growing pauses (0.5 s to 8 s). Messages whose version is not above the last one
// applied are dropped. Close codes that end the story (session closed for participants,
// deleted, access removed) stop the reconnecting.
const FINAL_CODES = new Set([4000, 4403, 4404]);

/// Opens `/ws/sessions/{id}` (with `?participant_token=` for participants).
/// `onState(message)` gets each new message; `onConnection(up)` each change of the link;
/// `onEnd(code)` a final close. `beforeReconnect()` may return false to stop reconnecting.
export function openLive({ sessionId, participantToken, onState, onConnection = () => {},
                           onEnd = () => {}, beforeReconnect = async () => true }) {
  let version = -1;
  let pause = 500;
  let socket = null;
  let stopped = false;

  const url = () => {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = participantToken
      ? `?participant_token=${encodeURIComponent(participantToken)}` : '';
    return `${scheme}//${location.host}/ws/sessions/${encodeURIComponent(sessionId)}${query}`;
  };

  const connect = () => {
    socket = new WebSocket(url());
    socket.addEventListener('open', () => {
      pause = 500;
      onConnection(true);
    });
    socket.addEventListener('message', (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (typeof message.version === 'number') {
        if (message.version <= version && message.type !== 'participants') return;
        if (message.type !== 'participants') version = message.version;
      }
      onState(message);
    });
    socket.addEventListener('close', async (event) => {
      if (stopped) return;
      if (FINAL_CODES.has(event.code)) {
        stopped = true;
        onEnd(event.code);
        return;
      }
      onConnection(false);
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 8000);
      if (stopped) return;
      if (await beforeReconnect()) {
        connect();
      } else {
        stopped = true;
      }
    });
  };

  // Back from a sleeping phone or a lost network: try at once rather than at the next pause.
  window.addEventListener('online', () => {
    if (socket && socket.readyState === WebSocket.CLOSED) pause = 0;
  });

  connect();
  return {
    close() {
      stopped = true;
      if (socket) socket.close(1000);
    },
  };
}
