// Cookies that are not sessions, known by name: analytics, advertising, CSRF tokens, preferences, consent,
// load balancers, … A pasted Cookie header carries many of them; the decoder names them for what they are
// and folds them into one line instead of reporting each as an unrecognized format.

/** What a known cookie that is not a session is for. */
export interface NonSessionCookie {
  /** Its kind of use, short: "analytics", "CSRF token", "preference", … */
  readonly purpose: string;
  /** Who sets it, for a note: "Google Analytics", "Django", … */
  readonly by: string;
}

interface Entry {
  readonly names?: readonly string[];
  readonly pattern?: RegExp;
  readonly purpose: string;
  readonly by: string;
}

/** Longer names are never looked up (real cookie names are short; the patterns stay cheap). */
const MAX_NAME_CHARS = 128;

const ENTRIES: readonly Entry[] = [
  // Analytics
  { pattern: /^_ga(?:_[A-Za-z0-9]+)?$/, purpose: 'analytics', by: 'Google Analytics' },
  { names: ['_gid', '_gat', '__utma', '__utmb', '__utmc', '__utmt', '__utmz', '__utmv'], pattern: /^_gat_[\w-]+$/, purpose: 'analytics', by: 'Google Analytics' },
  { pattern: /^_dc_gtm_[\w-]+$/, purpose: 'analytics', by: 'Google Tag Manager' },
  { pattern: /^_pk_(?:id|ses|ref|cvar|testcookie)(?:\.[\w.-]*)?$/, purpose: 'analytics', by: 'Matomo' },
  { pattern: /^_hj\w+$/, purpose: 'analytics', by: 'Hotjar' },
  { names: ['_clck', '_clsk', 'CLID'], purpose: 'analytics', by: 'Microsoft Clarity' },
  { names: ['ajs_anonymous_id', 'ajs_user_id', 'ajs_group_id'], purpose: 'analytics', by: 'Segment' },
  { pattern: /^mp_[\w-]*_mixpanel$/, purpose: 'analytics', by: 'Mixpanel' },
  { pattern: /^(?:AMP_[\w-]+|AMP_MKTG_[\w-]+|amplitude_id[\w.-]*)$/, purpose: 'analytics', by: 'Amplitude' },
  { names: ['__hstc', '__hssc', '__hssrc', 'hubspotutk', 'messagesUtk'], purpose: 'analytics', by: 'HubSpot' },
  { names: ['__kla_id'], purpose: 'analytics', by: 'Klaviyo' },
  { names: ['ph_distinct_id'], pattern: /^ph_[\w-]+_posthog$/, purpose: 'analytics', by: 'PostHog' },
  { names: ['_ce.s', '_ce.clock_data', '_ce.clock_event'], purpose: 'analytics', by: 'Crazy Egg' },
  { names: ['_plausible'], purpose: 'analytics', by: 'Plausible' },
  // Advertising
  { pattern: /^_gcl_(?:au|aw|dc|gb|gf|ha|gs)$/, purpose: 'advertising', by: 'Google Ads' },
  { names: ['_fbp', '_fbc'], purpose: 'advertising', by: 'Meta Pixel' },
  { names: ['_uetsid', '_uetvid', 'MUID'], purpose: 'advertising', by: 'Microsoft Advertising' },
  { names: ['_ttp', '_tt_enable_cookie', 'ttcsid'], pattern: /^ttcsid_[\w-]+$/, purpose: 'advertising', by: 'TikTok Pixel' },
  { names: ['_pin_unauth', '_pinterest_ct_ua', '_epik'], purpose: 'advertising', by: 'Pinterest' },
  { names: ['li_fat_id', 'li_sugr', '_li_dcdm_c', '_lc2_fpi', 'lidc', 'bcookie'], purpose: 'advertising', by: 'LinkedIn' },
  { names: ['_rdt_uuid', '_rdt_cid'], purpose: 'advertising', by: 'Reddit Pixel' },
  { names: ['_scid', '_scid_r', '_sctr'], purpose: 'advertising', by: 'Snap Pixel' },
  { names: ['IDE', 'test_cookie', 'DSID'], purpose: 'advertising', by: 'Google' },
  // A/B testing
  { names: ['_gaexp', 'optimizelyEndUserId', '_vwo_uuid', '_vwo_uuid_v2', '_vwo_ds', '_vwo_sn'], pattern: /^_vis_opt_[\w-]+$/, purpose: 'A/B testing', by: 'an experiment tool' },
  // CSRF tokens (Auth.js's first: its name would otherwise read as a generic one)
  { pattern: /^(?:__(?:Host|Secure)-)?(?:authjs|next-auth)\.csrf-token$/, purpose: 'CSRF token', by: 'Auth.js / next-auth' },
  { names: ['csrftoken'], purpose: 'CSRF token', by: 'Django' },
  { names: ['XSRF-TOKEN'], purpose: 'CSRF token', by: 'Angular, Laravel or axios' },
  { names: ['_csrf', '_csrf_token'], purpose: 'CSRF token', by: 'csurf, lusca or Phoenix' },
  { names: ['_xsrf'], purpose: 'CSRF token', by: 'Tornado' },
  { pattern: /^(?:__(?:Host|Secure)-)?(?:[A-Za-z0-9]+[._-])?(?:x?csrf|xsrf)(?:[._-]?token)?$/i, purpose: 'CSRF token', by: 'a CSRF protection' },
  // Sign-in flow state of Auth.js / next-auth (encrypted, but not the session)
  { pattern: /^(?:__(?:Host|Secure)-)?(?:authjs|next-auth)\.(?:callback-url|pkce\.code_verifier|state|nonce|challenge|webauthn-challenge)$/, purpose: 'sign-in flow', by: 'Auth.js / next-auth' },
  // Preferences
  {
    names: ['theme', 'lang', 'language', 'locale', 'NEXT_LOCALE', 'django_language', 'i18n_redirected', 'timezone', 'tz',
      'color_mode', 'color-mode', 'colorMode', 'colorScheme', 'dark_mode', 'darkMode', 'darkmode', 'sidebar_state', 'sidebar:state',
      'currency', 'prefers-color-scheme', 'vueuse-color-scheme', 'nuxt-color-mode'],
    purpose: 'preference', by: 'the app\'s user interface',
  },
  // Consent
  {
    names: ['cookieconsent_status', 'CookieConsent', 'OptanonConsent', 'OptanonAlertBoxClosed', 'euconsent-v2', 'euconsent', 'cookie_consent',
      'cookies_consent', 'cookie-consent', 'cookies_accepted', 'cookie_notice_accepted', 'CookieScriptConsent', 'didomi_token',
      'usprivacy', 'OTAdditionalConsentString', 'borlabs-cookie', 'moove_gdpr_popup', 'cc_cookie'],
    pattern: /^(?:cmplz_[\w-]+|_iub_cs-[\w-]+|axeptio_[\w-]+)$/, purpose: 'consent', by: 'a cookie consent banner',
  },
  // Load balancers and bot protection
  { names: ['AWSALB', 'AWSALBCORS', 'AWSALBTG', 'AWSALBTGCORS', 'AWSELB', 'AWSELBCORS'], purpose: 'load balancer', by: 'AWS Elastic Load Balancing' },
  { names: ['ARRAffinity', 'ARRAffinitySameSite'], purpose: 'load balancer', by: 'Azure App Service' },
  { names: ['SERVERID', 'ROUTEID', '__cflb'], pattern: /^BIGipServer[\w.-]*$/, purpose: 'load balancer', by: 'a load balancer' },
  { names: ['__cf_bm', 'cf_clearance', '__cfruid', '_cfuvid', '__cfduid', 'cf_chl_rc_ni'], purpose: 'bot protection', by: 'Cloudflare' },
  // Payments, chat widgets
  { names: ['__stripe_mid', '__stripe_sid'], purpose: 'fraud prevention', by: 'Stripe' },
  { pattern: /^intercom-(?:id|session|device-id)-[\w-]+$/, purpose: 'chat widget', by: 'Intercom' },
  { names: ['__zlcmid'], purpose: 'chat widget', by: 'Zendesk Chat' },
  { pattern: /^crisp-client[%/][\w%/.-]+$/, purpose: 'chat widget', by: 'Crisp' },
];

const BY_NAME = new Map<string, Entry>();
for (const e of ENTRIES) for (const n of e.names ?? []) if (!BY_NAME.has(n)) BY_NAME.set(n, e);

/** What a cookie is for when its name says it is not a session (analytics, CSRF token, …); undefined otherwise. */
export function nonSessionCookie(name: string | null): NonSessionCookie | undefined {
  if (name === null || name.length === 0 || name.length > MAX_NAME_CHARS) return undefined;
  const entry = BY_NAME.get(name) ?? ENTRIES.find((e) => e.pattern?.test(name));
  return entry ? { purpose: entry.purpose, by: entry.by } : undefined;
}
