// The printable report's Print button (no inline handlers under the CSP).
const button = document.getElementById('print-report');
if (button) button.addEventListener('click', () => window.print());
