// fanline.privacy through the binding: decide, decideMany, settings helpers.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { fanline, throwsCode } from './helpers.mjs'

const { decide, decideMany, defaultSettings, applySettingsPatch } = fanline

test('decide names the rule, in the spec order', () => {
  assert.deepEqual(decide({ action: 'view_profile', actorRole: 'creator', relationships: ['follow'] }), {
    allowed: false,
    deny: 'PROFILE_PRIVATE',
    rule: 'visibility',
  })
  const creators = { ...defaultSettings(), visibility: 'creators' }
  assert.equal(decide({ action: 'view_profile', actorRole: 'creator', settings: creators, relationships: ['tipped'] }).allowed, true)
  assert.equal(decide({ action: 'call', actorRole: 'creator', featureOn: false, actorIsFan: true }).rule, 'feature_flag')
  assert.equal(decide({ action: 'call', actorRole: 'admin' }).rule, 'self_or_admin')
  assert.equal(decide({ action: 'call', actorRole: 'fan' }).deny, 'NOT_CREATOR')
  assert.equal(decide({ action: 'message', actorRole: 'creator', relationships: ['follow'], blocks: { byFan: true } }).deny, 'BLOCKED')
  assert.equal(decide({ action: 'call', actorRole: 'creator', relationships: ['messaged'], fanInConnectedCall: true }).deny, 'BUSY')
  const link = { ...defaultSettings(), visibility: 'link' }
  assert.equal(decide({ action: 'view_share_card', actorRole: 'fan', settings: link, shareLinkValid: true }).allowed, true)
  assert.equal(decide({ action: 'appear_in_search', actorRole: 'creator' }).deny, 'NOT_FOUND')
})

test('decideMany decides a list in one call', () => {
  const out = decideMany([
    { action: 'message', actorRole: 'creator' },
    { action: 'message', actorRole: 'creator', relationships: ['purchased'] },
  ])
  assert.deepEqual(out.map((d) => d.allowed), [false, true])
  assert.deepEqual(decideMany([]), [])
})

test('bad decision inputs are INVALID_INPUT', () => {
  throwsCode(() => decide({ action: 'hug', actorRole: 'creator' }), 'INVALID_INPUT')
  throwsCode(() => decide({ action: 'call' }), 'INVALID_INPUT')
  throwsCode(() => decide({ action: 'call', actorRole: 'creator', relationships: ['friend'] }), 'INVALID_INPUT')
  throwsCode(() => decide({ action: 'call', actorRole: 'creator', colour: 'red' }), 'INVALID_INPUT')
  throwsCode(() => decide('call'), 'INVALID_INPUT')
  throwsCode(() => decideMany({}), 'INVALID_INPUT')
})

test('default settings are private', () => {
  assert.deepEqual(defaultSettings(), {
    visibility: 'private',
    allowDm: 'interacted',
    allowCalls: 'interacted',
    allowSearch: false,
  })
})

test('applySettingsPatch is partial and strict', () => {
  const s = applySettingsPatch(defaultSettings(), { visibility: 'link', allowSearch: true })
  assert.equal(s.visibility, 'link')
  assert.equal(s.allowSearch, true)
  assert.equal(s.allowDm, 'interacted')
  for (const bad of [{ visibility: 'public' }, { colour: 'red' }, { allowDm: null }, [], 'x', { allowSearch: 'yes' }]) {
    throwsCode(() => applySettingsPatch(defaultSettings(), bad), 'INVALID_INPUT')
  }
  throwsCode(() => applySettingsPatch({ visibility: 'private', colour: 'red' }, {}), 'INVALID_INPUT')
  // Partial settings take the defaults for what they leave out, as in Python.
  assert.deepEqual(applySettingsPatch({ visibility: 'creators' }, {}), { ...defaultSettings(), visibility: 'creators' })
  assert.equal(decide({ action: 'appear_in_search', actorRole: 'creator', settings: { allowSearch: true } }).allowed, true)
})
