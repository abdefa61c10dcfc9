// The seed's screens in a real browser (Debian's chromium), over the example backend with a
// simulated clock. Each test uses its own creator and fan, so cooldowns and calls of one test
// cannot leak into another. Screenshots of every screen land in test-results/.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startBench } from './harness.mjs';

let bench;

before(async () => {
  bench = await startBench();
});

after(async () => {
  await bench?.close();
});

/** A creator and a fan with display names; the fan follows the creator, shows their profile
 * to creators they interact with and holds tokens. */
async function pair(creatorId, creatorName, fanId, fanName) {
  const creator = `${creatorId}:creator`;
  const fan = `${fanId}:fan`;
  await bench.api('POST', '/dev/profile', { displayName: creatorName }, creator);
  await bench.api('POST', '/dev/profile', { displayName: fanName }, fan);
  await bench.api('POST', '/dev/relationships', { otherId: creatorId, kind: 'follow' }, fan);
  await bench.api('POST', '/dev/credit', { userId: fanId, amount: 1000 });
  await bench.api('PATCH', '/api/fans/me', { visibility: 'creators' }, fan);
}

function assertClean(...users) {
  for (const user of users) assert.deepEqual(user.problems(), []);
}

test('settings are saved, survive a reload, and the share link is copied, public, noindex and revocable', async () => {
  await bench.api('POST', '/dev/profile', { displayName: 'Bea' }, 'fan_bea:fan');
  const fan = await bench.user('fan_bea', 'fan');
  const { page } = fan;
  await page.goto('/settings.html');
  await page.getByLabel('Creators I interact with, and anyone with my link').check();
  await page.getByLabel('Messages from').selectOption('none');
  await page.getByLabel('Calls from').selectOption('following');
  await page.getByLabel('Let creators find me in search').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

  await page.reload();
  await page.locator('#settings').waitFor();
  assert.equal(await page.getByLabel('Creators I interact with, and anyone with my link').isChecked(), true);
  assert.equal(await page.getByLabel('Messages from').inputValue(), 'none');
  assert.equal(await page.getByLabel('Calls from').inputValue(), 'following');
  assert.equal(await page.getByLabel('Let creators find me in search').isChecked(), true);

  await page.getByRole('button', { name: 'Generate link' }).click();
  const linkBox = page.getByLabel('Your share link');
  await linkBox.waitFor();
  const link = await linkBox.inputValue();
  assert.match(link, new RegExp(`^${bench.baseURL}/u/[A-Za-z0-9_-]+$`));
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy' }).click();
  await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  await fan.screenshot('fan-privacy-settings');

  // A visitor with the link, not signed in.
  const visitor = await bench.user();
  const card = await visitor.page.goto(link);
  assert.equal(card.status(), 200);
  assert.match(card.headers()['x-robots-tag'], /noindex/);
  assert.equal(await visitor.page.locator('meta[name="robots"]').getAttribute('content'), 'noindex, nofollow');
  await visitor.page.getByRole('heading', { name: 'Bea' }).waitFor();
  await visitor.page.getByText(/The link expires on/).waitFor();
  await visitor.page.getByRole('link', { name: 'Join to interact' }).waitFor();
  await visitor.screenshot('fan-share-card');

  await page.getByRole('button', { name: 'Revoke link' }).click();
  await page.getByText('Link revoked: it no longer works.').waitFor();

  visitor.expectHttpError(404, /^\/u\//);
  const gone = await visitor.page.goto(link);
  assert.equal(gone.status(), 404);
  assert.match(gone.headers()['x-robots-tag'], /noindex/);
  assert.equal(await visitor.page.locator('meta[name="robots"]').getAttribute('content'), 'noindex, nofollow');
  await visitor.page.getByRole('heading', { name: 'This link isn’t available' }).waitFor();
  await visitor.screenshot('fan-share-card-revoked');
  assertClean(fan, visitor);
});

test('a creator sets a price, calls, the fan sees the price and answers live, both see the same bill', async () => {
  await pair('creator_max', 'Max', 'fan_ada', 'Ada');
  const creator = await bench.user('creator_max', 'creator');
  const fan = await bench.user('fan_ada', 'fan');

  // The creator's price, on their home page: the calls they start from now on take it.
  const price = creator.page.getByLabel('Your price per minute (tokens)');
  assert.equal(await price.inputValue(), '10');
  await price.fill('12');
  await creator.page.getByRole('button', { name: 'Save price' }).click();
  await creator.page.getByRole('status').filter({ hasText: 'Saved: 12 tokens a minute' }).waitFor();
  await creator.screenshot('creator-price');

  await creator.page.goto('/fan.html?id=fan_ada');
  await creator.page.getByRole('heading', { name: 'Ada' }).waitFor();
  await creator.page.getByRole('cell', { name: 'Follows you' }).waitFor();
  assert.equal(await creator.page.getByRole('button', { name: 'Message' }).isEnabled(), true);
  assert.equal(await creator.page.getByRole('button', { name: 'Video call' }).isEnabled(), true);
  await creator.page.getByText('Allowed by the fan’s call settings.').waitFor();
  await creator.screenshot('fan-mini-profile');

  // The fan sits on their home page, listening; the invitation must arrive without a reload.
  await fan.page.getByText('Ready for calls').waitFor();
  await fan.page.evaluate(() => {
    window.notReloaded = true;
  });
  const invitation = fan.page.getByRole('alertdialog', { name: 'Incoming call from Max' });
  await creator.page.getByRole('button', { name: 'Video call' }).click();
  await creator.page.getByRole('heading', { name: 'Calling fan_ada…' }).waitFor();
  await creator.screenshot('call-ringing');
  await invitation.waitFor();
  assert.equal(await fan.page.evaluate(() => window.notReloaded), true);
  await invitation.getByText('Video call').waitFor();
  // The price and what the fan's 1000 tokens cover: 83 whole minutes at 12 a minute.
  await invitation.getByText('12 tokens a minute · your balance covers 83 minutes').waitFor();
  await invitation.getByText('Expires in 2:00').waitFor();
  await fan.screenshot('call-invitation');

  await invitation.getByRole('button', { name: 'Accept' }).click();
  for (const side of [creator, fan]) {
    await side.page.locator('#active').waitFor();
    await side.page.locator('#join-channel', { hasText: /^call_[0-9a-f]{32}$/ }).waitFor();
    await side.page.locator('#timer', { hasText: '0:00' }).waitFor();
  }
  assert.notEqual(await creator.page.locator('#join-uid').textContent(), await fan.page.locator('#join-uid').textContent());

  const mute = fan.page.getByRole('button', { name: 'Mute' });
  await mute.click();
  await fan.page.getByRole('button', { name: 'Unmute', pressed: true }).waitFor();
  await fan.page.getByRole('button', { name: 'Turn camera off' }).click();
  await fan.page.getByRole('button', { name: 'Turn camera on', pressed: true }).waitFor();

  // 3 min 10 s on the engine's clock: 4 started minutes at 12 tokens a minute.
  await bench.api('POST', '/dev/clock/advance', { ms: 190_000 });
  for (const side of [creator, fan]) {
    await side.page.locator('#timer', { hasText: '3:10' }).waitFor();
    await side.page.locator('#cost', { hasText: '48 tokens' }).waitFor();
  }
  await creator.screenshot('active-call-creator');
  await fan.screenshot('active-call-fan');

  await creator.page.getByRole('button', { name: 'End call' }).click();
  const summaries = [];
  for (const side of [creator, fan]) {
    await side.page.getByRole('heading', { name: 'Call ended' }).waitFor();
    summaries.push(await side.page.locator('#summary-list').innerText());
  }
  assert.equal(summaries[0], summaries[1]);
  assert.match(summaries[0], /3:10 \(190 s\)/);
  assert.match(summaries[0], /4 min × 12 tokens = 48 tokens/);
  assert.match(summaries[0], /Charged to the fan\s+48 tokens/);
  await creator.screenshot('call-summary');
  assertClean(creator, fan);
});

test('calling again inside the cooldown says when to retry', async () => {
  await pair('creator_cleo', 'Cleo', 'fan_cy', 'Cy');
  const creator = await bench.user('creator_cleo', 'creator');
  const fan = await bench.user('fan_cy', 'fan');

  await creator.page.goto('/fan.html?id=fan_cy');
  await creator.page.getByRole('button', { name: 'Voice call' }).click();
  const invitation = fan.page.getByRole('alertdialog', { name: 'Incoming call from Cleo' });
  await invitation.getByRole('button', { name: 'Decline' }).click();
  await invitation.waitFor({ state: 'detached' });
  await creator.page.getByRole('heading', { name: 'The fan declined the call.' }).waitFor();

  // The engine's clock has not moved, so exactly the whole 60 s cooldown is left.
  await bench.api('POST', '/dev/clock/advance', { ms: 15_000 });
  creator.expectHttpError(429, /^\/api\/calls\/initiate$/);
  await creator.page.goto('/fan.html?id=fan_cy');
  await creator.page.getByRole('button', { name: 'Voice call' }).click();
  await creator.page.getByRole('alert').filter({ hasText: 'You called this fan a moment ago. You can call again in 45 seconds.' }).waitFor();
  assert.doesNotMatch(await creator.page.locator('main').innerText(), /[{}]/);
  await creator.screenshot('call-cooldown');
  assertClean(creator, fan);
});

test('an invitation nobody answers disappears when it expires', async () => {
  await pair('creator_zoe', 'Zoe', 'fan_dan', 'Dan');
  const creator = await bench.user('creator_zoe', 'creator');
  const fan = await bench.user('fan_dan', 'fan');

  await creator.page.goto('/fan.html?id=fan_dan');
  await creator.page.getByRole('button', { name: 'Voice call' }).click();
  const invitation = fan.page.getByRole('alertdialog', { name: 'Incoming call from Zoe' });
  await invitation.getByText('Expires in 2:00').waitFor();

  // Through the dev clock control in the fan's bar this time.
  const plusOneMinute = fan.page.getByRole('button', { name: '+1 min' });
  await plusOneMinute.click();
  await invitation.getByText('Expires in 1:00').waitFor();
  await plusOneMinute.click();
  await invitation.waitFor({ state: 'detached' });
  await fan.page.getByText('Missed call from Zoe').waitFor();
  await creator.page.getByRole('heading', { name: 'No answer: the invitation expired.' }).waitFor();
  await fan.screenshot('call-invitation-expired');
  assertClean(creator, fan);
});

test('refusals read as sentences: not allowed, feature disabled, blocked', async () => {
  await pair('creator_ivy', 'Ivy', 'fan_eli', 'Eli');
  const creator = await bench.user('creator_ivy', 'creator');
  const { page } = creator;

  await bench.api('PATCH', '/api/fans/me', { allowCalls: 'none', allowDm: 'none' }, 'fan_eli:fan');
  await page.goto('/fan.html?id=fan_eli');
  await page.getByText('This fan doesn’t accept calls from you.').waitFor();
  await page.getByText('This fan doesn’t accept messages from you.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Voice call' }).isDisabled(), true);
  assert.equal(await page.getByRole('button', { name: 'Message' }).isDisabled(), true);
  await creator.screenshot('fan-mini-profile-not-allowed');

  await bench.api('PATCH', '/api/fans/me', { allowCalls: 'interacted' }, 'fan_eli:fan');
  await bench.api('POST', '/dev/flags', { name: 'calls', on: false });
  try {
    await page.reload();
    await page.getByText('This feature is switched off on this platform right now.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Video call' }).isDisabled(), true);
  } finally {
    await bench.api('POST', '/dev/flags', { name: 'calls', on: true });
  }

  await bench.api('POST', '/api/fans/blocks/creator_ivy', undefined, 'fan_eli:fan');
  creator.expectHttpError(403, /^\/api\/fans\/fan_eli$/);
  await page.reload();
  await page.getByRole('alert').filter({ hasText: 'You can’t interact with this person.' }).waitFor();
  assert.doesNotMatch(await page.locator('main').innerText(), /[{}]|BLOCKED/);
  await creator.screenshot('fan-mini-profile-blocked');
  assertClean(creator);
});
