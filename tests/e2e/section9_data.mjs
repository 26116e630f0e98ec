// The small shop of the section-9 page tests (saved states, report): 80 users, each
// viewing a page (channel ads or email), half searching, about 70% adding to cart;
// 240 orders (rows of order_id × sku) by the users whose index is not a multiple of
// 3, on the day they viewed: beer+diapers and bread+milk often bought together.
// Enough for a funnel, paths, drivers and baskets. Deterministic (its own LCG).
//   user(u): the id of user u (default `u<u>`); coupon: 4 users also use a coupon.
export function sectionNineCsv({ user = (u) => `u${u}`, coupon = false } = {}) {
  const rows = ['user_id,order_id,timestamp,event,sku,channel'];
  let seed = 11;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const day = (u) => `2024-03-${String(1 + (u % 28)).padStart(2, '0')}`;
  for (let u = 0; u < 80; u++) {
    rows.push(`${user(u)},,${day(u)}T08:00:00Z,page_view,,${rnd() < 0.5 ? 'ads' : 'email'}`);
    if (rnd() < 0.5) rows.push(`${user(u)},,${day(u)}T08:10:00Z,search,,`);
    if (coupon && u % 20 === 1) rows.push(`${user(u)},,${day(u)}T08:15:00Z,coupon,,`);
    if (rnd() < 0.7) rows.push(`${user(u)},,${day(u)}T08:20:00Z,add_to_cart,,`);
  }
  const items = ['bread', 'milk', 'beer', 'diapers', 'eggs', 'cola'];
  const buyers = Array.from({ length: 80 }, (_, u) => u).filter((u) => u % 3 !== 0);
  for (let o = 0; o < 240; o++) {
    const u = buyers[o % buyers.length];
    const set = new Set();
    if (rnd() < 0.5) ['bread', 'milk'].forEach((x) => set.add(x));
    if (rnd() < 0.3) ['beer', 'diapers'].forEach((x) => set.add(x));
    set.add(items[Math.floor(rnd() * items.length)]);
    const minute = String(o % 60).padStart(2, '0');
    for (const it of [...set].sort()) rows.push(`${user(u)},o${o},${day(u)}T1${Math.floor(o / 60)}:${minute}:00Z,purchase,${it},`);
  }
  return `${rows.join('\n')}\n`;
}
