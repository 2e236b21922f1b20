// for-select-no-done lowers its severity where a stuck loop hurts less (tests, Example
// functions, example programs) and keeps it a warning in library and server code.
import { beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../server/src/core/analyzer';

const relay = (pkg: string, func: string) => `package ${pkg}

func ${func}(lines <-chan string) {
	go func() {
		for {
			select {
			case l := <-lines:
				println(l)
			}
		}
	}()
}
`;

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await Analyzer.create();
});

function severityOf(path: string, text: string): string[] {
  return analyzer.analyzeText(path, text).findings.filter((f) => f.rule === 'for-select-no-done').map((f) => f.severity);
}

describe('for-select-no-done severity', () => {
  it('is a warning in library code', () => {
    expect(severityOf('/src/relay/relay.go', relay('relay', 'Start'))).toEqual(['warning']);
  });

  it.each([
    ['a _test.go file', '/src/relay/relay_test.go', relay('relay', 'start')],
    ['a Test function', '/src/relay/relay.go', relay('relay', 'TestStart')],
    ['an Example function', '/src/relay/relay.go', relay('relay', 'ExampleStart')],
    ['a program under examples/', '/src/webrtc/examples/flow/main.go', relay('main', 'start')],
    ['a program under _example/', '/src/lib/_example/main.go', relay('main', 'start')],
  ])('is information in %s', (_what, path, text) => {
    expect(severityOf(path, text)).toEqual(['information']);
  });

  it('stays a warning for a library package under examples/ and for a main package elsewhere', () => {
    expect(severityOf('/src/lib/examples/helpers/relay.go', relay('helpers', 'Start'))).toEqual(['warning']);
    expect(severityOf('/src/cmd/server/relay.go', relay('main', 'start'))).toEqual(['warning']);
  });
});
