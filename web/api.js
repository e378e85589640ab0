// Thin fetch wrapper: JSON in and out, errors as {status, code, message}.
export async function api(method, path, body) {
  const options = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch {
    throw { status: 0, code: 'network', message: 'Cannot reach the server. Check your connection.' };
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = (data && data.error) || {};
    throw {
      status: response.status,
      code: error.code || 'error',
      message: error.message || `The server answered ${response.status}.`,
      retryAfter: Number(response.headers.get('Retry-After')) || undefined,
    };
  }
  return data;
}
