// The browser client (bundled with the inspector client, which it shares ws and the CDP client with): reading
// and watching the cookies a Chromium-family browser holds for the app's origin.
export { BrowserUnreachableError, appOrigin, openBrowserPage, readBrowserCookies, setCookieLines, type BrowserCookie } from './browserCookies';
export { BrowserCookieWatch, cookieHeader, curlCommand, type CdpConnection, type CookieSnapshot, type WatchOptions } from './cookieWatch';
export { CdpClient } from '../inspector/cdpClient';
