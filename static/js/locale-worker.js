// A worker that makes one Intl formatter of each kind the card uses, in the language it is sent, then says so and
// ends. The first formatter a browser process makes loads the locale data (ICU's), a tenth of a second on a phone;
// the data is kept for the whole process, so made here, off the main thread while the page loads, the page's own
// formatters then cost a millisecond each (main.js starts this worker; format.js keeps the formatters it makes).

self.onmessage = ({ data: language }) => {
  try {
    new Intl.NumberFormat(language, { maximumFractionDigits: 0 }).format(1);
    new Intl.DisplayNames([language], { type: "region", fallback: "none" }).of("AQ");
    new Intl.DateTimeFormat(language, { hour: "numeric", minute: "2-digit", timeZone: "UTC" }).format(0);
  } finally {
    self.postMessage("ready");
    self.close();
  }
};
