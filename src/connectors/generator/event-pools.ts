/**
 * Pools the events are drawn from, built once per seed: users (with a coherent city, country,
 * coordinates and agent), products, pages, referrers, searches and campaigns. Faker fills the
 * text pools; per-event work then only indexes into arrays, which is what makes the generator
 * fast (faker per event is ~100x slower).
 */
import { AGENT_PROFILES } from './agent-profiles.ts';
import { Prng, hex32, mixSeed } from './prng.ts';
import { WORLD_CITIES } from './world-cities.ts';

/** A user of the simulated site. */
export interface UserProfile {
  id: string;
  agent: { browser: string; os: string; device: string };
  country: string;
  city: string;
  geo: { lat: number; lon: number };
  /** The currency of the user's country, for purchases. */
  currency: string;
  /** `"user":{...}` as JSON text, made once so serialising an event only concatenates strings. */
  json: string;
}

/** A product of the simulated shop. */
export interface Product {
  id: string;
  name: string;
  price: number;
}

/** What events are drawn from. Earlier entries of pages, referrers and searches are the popular ones. */
export interface EventPools {
  users: UserProfile[];
  products: Product[];
  paths: string[];
  referrers: string[];
  searches: string[];
  campaigns: string[];
  /** Page elements that clicks land on. */
  elements: readonly string[];
  /** Sign-up and log-in methods. */
  methods: readonly string[];
  plans: readonly string[];
  payments: readonly string[];
}

const ELEMENTS = ['nav_link', 'product_card', 'add_to_cart_button', 'search_box', 'banner', 'footer_link', 'signup_button', 'checkout_button'];
const METHODS = ['email', 'google', 'apple', 'github'];
const PLANS = ['free', 'pro', 'team', 'enterprise'];
const PAYMENTS = ['card', 'paypal', 'apple_pay', 'google_pay', 'bank_transfer'];

/** Picks from weights summing to anything, by a cumulative scan (pool building only; not per event). */
function weightedIndex(weights: readonly number[], total: number, r: number): number {
  let x = r * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i] as number;
    if (x < 0) return i;
  }
  return weights.length - 1;
}

const round4 = (v: number) => Math.round(v * 10_000) / 10_000;
const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function buildUsers(seed: number, count: number): UserProfile[] {
  const rng = new Prng(mixSeed(seed, 0x05e75));
  const cityWeights = WORLD_CITIES.map((c) => c[4]);
  const cityTotal = cityWeights.reduce((a, b) => a + b, 0);
  const agentWeights = AGENT_PROFILES.map((a) => a[3]);
  const agentTotal = agentWeights.reduce((a, b) => a + b, 0);
  const users: UserProfile[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const [city, country, lat, lon, , currency] = WORLD_CITIES[weightedIndex(cityWeights, cityTotal, rng.next())] as (typeof WORLD_CITIES)[number];
    const [browser, os, device] = AGENT_PROFILES[weightedIndex(agentWeights, agentTotal, rng.next())] as (typeof AGENT_PROFILES)[number];
    // Spread users around the city centre (about +-15 km) so maps show a cloud, not a pin.
    const geo = {
      lat: round4(Math.max(-90, Math.min(90, lat + (rng.next() - 0.5) * 0.27))),
      lon: round4(Math.max(-180, Math.min(180, lon + (rng.next() - 0.5) * 0.27))),
    };
    const id = `u_${hex32(rng.uint32())}${hex32(rng.uint32())}`;
    const agent = { browser, os, device };
    const json = `"user":${JSON.stringify({ id, agent, country, city, geo })}`;
    users[i] = { id, agent, country, city, geo, currency, json };
  }
  return users;
}

/** Builds the pools for a seed; `users` is the size of the user pool. */
export async function buildEventPools(seed: number, users: number): Promise<EventPools> {
  // Loaded on first use: importing faker costs ~200 ms, which the CLI should not pay at start.
  const { Faker, en, base } = await import('@faker-js/faker');
  const faker = new Faker({ locale: [en, base] });
  faker.seed(seed);
  const products: Product[] = Array.from({ length: 250 }, () => ({
    id: `sku_${faker.string.alphanumeric({ length: 8, casing: 'upper' })}`,
    name: faker.commerce.productName(),
    price: Number(faker.commerce.price({ min: 3, max: 800, dec: 2 })),
  }));
  const departments = [...new Set(Array.from({ length: 40 }, () => slug(faker.commerce.department())))];
  const paths = [
    '/',
    '/products',
    '/search',
    '/cart',
    '/checkout',
    '/pricing',
    '/account',
    '/help',
    ...departments.map((d) => `/category/${d}`),
    ...products.slice(0, 80).map((p) => `/products/${slug(p.name)}`),
    ...Array.from({ length: 40 }, () => `/blog/${faker.lorem.slug(3)}`),
  ];
  const referrers = [
    'https://www.google.com/',
    'https://www.bing.com/',
    'https://www.facebook.com/',
    'https://t.co/',
    'https://www.instagram.com/',
    'https://duckduckgo.com/',
    'https://www.reddit.com/',
    'https://www.linkedin.com/',
    ...Array.from({ length: 40 }, () => `https://${faker.internet.domainName()}/`),
  ];
  const searches = Array.from({ length: 150 }, () => `${faker.commerce.productAdjective()} ${faker.commerce.product()}`.toLowerCase());
  const campaigns = [...new Set(Array.from({ length: 16 }, () => `${slug(faker.word.adjective())}_${slug(faker.commerce.department())}`.replaceAll('-', '_')))];
  return { users: buildUsers(seed, users), products, paths, referrers, searches, campaigns, elements: ELEMENTS, methods: METHODS, plans: PLANS, payments: PAYMENTS };
}
