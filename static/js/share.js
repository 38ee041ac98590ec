// Sharing the map: the device's own share sheet (Web Share API) where there is one, else copy the link.

/**
 * Share `url` with `title` and `text`; returns "shared", "copied", "cancelled" or "manual" (neither worked:
 * the caller shows the link to copy by hand).
 */
export async function shareLink({ url, title, text }) {
  if (typeof navigator.share === "function") {
    try {
      await navigator.share({ url, title, text });
      return "shared";
    } catch (error) {
      if (error?.name === "AbortError") {
        return "cancelled";
      }
      // Not allowed here (an iframe, a desktop without a share target): copy the link instead.
    }
  }
  try {
    await navigator.clipboard.writeText(url);
    return "copied";
  } catch {
    return "manual";
  }
}
