// Talking to the API from the pages: CSRF, uploads with progress, polling a session.

/** The CSRF token Django rendered into the page ({% csrf_token %}). */
export function csrfToken(root = document) {
  const input = root.querySelector('input[name=csrfmiddlewaretoken]');
  return input ? input.value : '';
}

/** Describe a failed API answer in words a patient can act on. */
export function errorMessage(status, body) {
  if (status === 0) return 'The connection failed. Check your internet connection and try again.';
  if (body && typeof body === 'object') {
    const parts = [];
    for (const [key, value] of Object.entries(body)) {
      const text = Array.isArray(value) ? value.join(' ') : (typeof value === 'string' ? value : JSON.stringify(value));
      parts.push(key === 'detail' || key === 'non_field_errors' ? text : `${key}: ${text}`);
    }
    if (parts.length) return parts.join(' ');
  }
  if (status === 413) return 'The recording is too large to send.';
  if (status >= 500) return 'The server had a problem. Please try again in a moment.';
  return `The upload failed (HTTP ${status}).`;
}

/**
 * POST `body` (FormData or a JSON string) with XMLHttpRequest so upload progress can be shown.
 * Resolves with {status, body}; rejects only on a network error or abort ({status: 0}).
 */
export function sendWithProgress({ url, body, method = 'POST', headers = {}, onProgress = () => {} }) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.responseType = 'text';
    xhr.setRequestHeader('X-CSRFToken', csrfToken());
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      let parsed = null;
      try { parsed = JSON.parse(xhr.responseText); } catch { parsed = null; }
      onProgress(1);
      resolve({ status: xhr.status, body: parsed });
    });
    xhr.addEventListener('error', () => reject({ status: 0, body: null }));
    xhr.addEventListener('abort', () => reject({ status: 0, body: null }));
    xhr.send(body);
  });
}

/** JSON request with the session cookie and CSRF token. */
export async function apiJson(url, { method = 'GET', data } = {}) {
  const response = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken() },
    body: data === undefined ? undefined : JSON.stringify(data),
  });
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  return { status: response.status, body };
}

/** Poll a session until it is done or failed; onUpdate(session) on every answer. */
export async function pollSession(url, { intervalMs = 1500, timeoutMs = 15 * 60 * 1000, onUpdate = () => {} } = {}) {
  const deadline = Date.now() + timeoutMs;
  let wait = intervalMs;
  for (;;) {
    try {
      const { status, body } = await apiJson(url);
      if (status === 200 && body) {
        onUpdate(body);
        if (body.status === 'done' || body.status === 'failed') return body;
      }
    } catch { /* offline for a moment: keep trying */ }
    if (Date.now() > deadline) throw new Error('The analysis is taking longer than expected.');
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 1.3, 10000);
  }
}
