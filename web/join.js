// The participant's entry: a 6-digit code. Joining itself arrives with the sessions feature.
const form = document.getElementById('join-form');
const input = document.getElementById('code');
const message = document.getElementById('join-message');

// Accept what people paste: "123 456", "123-456", spaces around.
function digitsOf(text) {
  return text.replace(/\D/g, '');
}

input.addEventListener('input', () => {
  const digits = digitsOf(input.value).slice(0, 6);
  if (input.value !== digits) input.value = digits;
  message.textContent = '';
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const code = digitsOf(input.value);
  if (code.length !== 6) {
    message.textContent = 'A code has exactly 6 digits.';
    input.focus();
    return;
  }
  message.textContent = 'Joining by code is not available yet on this server.';
});
