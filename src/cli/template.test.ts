import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, goString, renderTemplate } from './template.ts';

const c = { Name: '/web', State: { ExitCode: 137, Running: false, LastStop: null },
  Config: { Labels: { 'com.x': 'y' }, Cmd: ['sleep', '1000'] } };

test('field paths print values as Go does', () => {
  assert.equal(renderTemplate('{{.State.ExitCode}}', c), '137');
  assert.equal(renderTemplate('{{.Name}} {{.State.Running}}', c), '/web false');
  assert.equal(renderTemplate('{{.Config.Cmd}}', c), '[sleep 1000]');
  assert.equal(renderTemplate('{{.Config.Labels}}', c), 'map[com.x:y]');
  assert.equal(renderTemplate('{{.Missing}}', c), '<no value>');
  assert.equal(renderTemplate('{{.State.LastStop}}', c), '<nil>');
});

test('json, index, upper, join and pipes', () => {
  assert.equal(renderTemplate('{{json .State}}', c), '{"ExitCode":137,"Running":false,"LastStop":null}');
  assert.equal(renderTemplate('{{index .Config.Labels "com.x"}}', c), 'y');
  assert.equal(renderTemplate('{{upper .Name}}', c), '/WEB');
  assert.equal(renderTemplate('{{join .Config.Cmd ","}}', c), 'sleep,1000');
  assert.equal(renderTemplate('{{.Name | upper}}', c), '/WEB');
  assert.equal(renderTemplate('{{json .}}', { a: 1 }), '{"a":1}');
  assert.equal(renderTemplate('{{ .Name }}', c), '/web');
});

test('literal \\t and \\n become tab and newline; table templates have a header', () => {
  const t = compileTemplate('table {{.ID}}\\t{{.RunningFor}}');
  assert.equal(t.table, true);
  assert.equal(t.render({ ID: 'a', RunningFor: 'b' }), 'a\tb');
  assert.equal(t.header({ RunningFor: 'CREATED' }), 'ID\tCREATED');
  assert.equal(renderTemplate('a\\nb', {}), 'a\nb');
});

test('unsupported or malformed templates are syntax errors', () => {
  assert.throws(() => compileTemplate('{{.Name'), SyntaxError);
  assert.throws(() => compileTemplate('{{range .X}}{{end}}'), SyntaxError);
  assert.throws(() => compileTemplate('{{nosuch .X}}'), SyntaxError);
});

test('goString renders nested values', () => {
  assert.equal(goString({ b: [1, 2], a: 'x' }), 'map[a:x b:[1 2]]');
});
