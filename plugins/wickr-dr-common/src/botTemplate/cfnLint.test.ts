/**
 * @jest-environment node
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BOT_TEMPLATE_PATH, readBotTemplateText } from '../__testUtils__/botTemplateFile';

// cfn-lint (1.51, bundled schemas, works offline) over the product template. Run without a
// shell; cfn-lint exits non-zero whenever it reports findings, so the JSON on stdout is the result.

jest.setTimeout(120_000);

const INSTALL_HINT = 'pip install cfn-lint==1.51.0';

type Finding = {
  Level: 'Error' | 'Warning' | 'Informational';
  Message: string;
  Rule: { Id: string };
  Location: { Path?: Array<string | number>; Start: { LineNumber: number } };
};

/**
 * Informational findings accepted on purpose, by rule id, each with its justification.
 * Empty: `cfn-lint -c I` reports nothing on the template today. A new id fails the test until
 * it is fixed or justified here.
 */
const JUSTIFIED_INFORMATIONAL: Record<string, string> = {};

function run(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'cfn-lint',
      args,
      { maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(
            new Error(
              `cfn-lint is not on the PATH; install it with \`${INSTALL_HINT}\``,
            ),
          );
          return;
        }
        const code = error ? Number((error as { code?: unknown }).code) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function lint(
  file: string,
  extraArgs: string[] = [],
): Promise<Finding[]> {
  // The file comes first: after `-c I`, cfn-lint would read a path as another rule id.
  const args = [file, '--format', 'json', ...extraArgs];
  const { code, stdout, stderr } = await run(args);
  try {
    return JSON.parse(stdout) as Finding[];
  } catch {
    throw new Error(
      `cfn-lint ${args.join(' ')} gave no JSON (exit ${code}): ${
        stderr || stdout
      }`,
    );
  }
}

const describeFinding = (f: Finding) =>
  `${f.Rule.Id} ${f.Level} line ${f.Location.Start.LineNumber} ${(
    f.Location.Path ?? []
  ).join('.')}: ${f.Message}`;

function withTempCopy<T>(
  text: string,
  body: (file: string) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-cfn-lint-'));
  const file = path.join(dir, 'wickr-dr-bot.yaml');
  fs.writeFileSync(file, text);
  return body(file).finally(() =>
    fs.rmSync(dir, { recursive: true, force: true }),
  );
}

describe('cfn-lint', () => {
  beforeAll(async () => {
    const { code, stdout, stderr } = await run(['--version']);
    if (code !== 0 || !/cfn-lint \d+\.\d+/.test(stdout)) {
      throw new Error(
        `cfn-lint --version failed (exit ${code}): ${
          stderr || stdout
        }; install it with \`${INSTALL_HINT}\``,
      );
    }
  });

  it('reports no errors and no warnings with the default rules', async () => {
    const findings = await lint(BOT_TEMPLATE_PATH);
    expect(findings.map(describeFinding)).toEqual([]);
  });

  it('reports no unjustified informational findings with -c I', async () => {
    const findings = await lint(BOT_TEMPLATE_PATH, ['-c', 'I']);
    expect(
      findings.filter(f => f.Level !== 'Informational').map(describeFinding),
    ).toEqual([]);
    const unjustified = findings.filter(
      f =>
        f.Level === 'Informational' && !(f.Rule.Id in JUSTIFIED_INFORMATIONAL),
    );
    expect(unjustified.map(describeFinding)).toEqual([]);
  });

  it('fails a broken copy: a role name as TaskRoleArn is an error (E1041-family ARN format)', async () => {
    const text = readBotTemplateText();
    const from = 'TaskRoleArn: !GetAtt TaskRole.Arn';
    expect(text).toContain(from);
    const findings = await withTempCopy(
      text.replace(from, 'TaskRoleArn: wickr-dr-task-role'),
      file => lint(file),
    );
    const errors = findings.filter(f => f.Level === 'Error');
    expect(errors.length).toBeGreaterThan(0);
    // cfn-lint 1.51 reports it as E1156 (IAM role ARN format); older releases as E1041.
    expect(errors).toContainEqual(
      expect.objectContaining({
        Rule: expect.objectContaining({
          Id: expect.stringMatching(/^E1(041|156)$/),
        }),
        Location: expect.objectContaining({
          Path: ['Resources', 'TaskDefinition', 'Properties', 'TaskRoleArn'],
        }),
      }),
    );
  });

  it('fails a broken copy only with -c I: a hard-coded partition is I3042 (so the informational run is not empty by accident)', async () => {
    const text = readBotTemplateText();
    const from = 'arn:${AWS::Partition}:ecs:';
    expect(text).toContain(from);
    const broken = text.split(from).join('arn:aws:ecs:');
    const [defaults, informational] = await withTempCopy(broken, file =>
      Promise.all([lint(file), lint(file, ['-c', 'I'])]),
    );
    expect(defaults.map(describeFinding)).toEqual([]);
    expect(informational.map(f => f.Rule.Id)).toContain('I3042');
    expect(
      informational.filter(f => !(f.Rule.Id in JUSTIFIED_INFORMATIONAL)).length,
    ).toBeGreaterThan(0);
  });
});
