import type { CaView, CertView, CertificateInfo } from '../../../shared/views';
import { fields, printJson } from '../output';
import { openService } from '../service';
import type { Command } from './types';
import { UsageError } from '../args';

function validity(info: CertificateInfo, now: Date): string {
  const days = Math.floor((Date.parse(info.notAfter) - now.getTime()) / 86_400_000);
  return `${info.notBefore} → ${info.notAfter} (${days >= 0 ? `${days} days left` : 'EXPIRED'})`;
}

function describeCa(view: CaView): string {
  return fields([
    ['certificate', view.certPath],
    ['subject', view.certificate.subject.replace(/\n/g, ', ')],
    ['serial', view.certificate.serialNumber],
    ['valid', validity(view.certificate, new Date())],
    ['sha-256', view.certificate.fingerprint256],
    ['key', `${view.certificate.keyType} ${view.certificate.keyBits}`],
    ['permitted names', view.permitted.dns.join(', ')],
    ['permitted IPs', view.permitted.ip.join(', ')],
  ]);
}

function describeCert(view: CertView): string {
  return fields([
    ['project', view.project],
    ['certificate', view.certPath],
    ['key', view.keyPath],
    ['names', view.certificate.sans.join(', ')],
    ['issuer', view.certificate.issuer.replace(/\n/g, ', ')],
    ['valid', validity(view.certificate, new Date())],
    ['sha-256', view.certificate.fingerprint256],
    ['key type', `${view.certificate.keyType} ${view.certificate.keyBits}`],
  ]);
}

const ca: Command = {
  name: 'ca',
  summary: 'show the local CA (creating it if needed), or rotate it',
  usage: `portico ca [show] [--json]
portico ca rotate [--suffix <s>]... [--json]

  show              the root certificate's path, fingerprint, validity and name constraints
  rotate            make a new root (e.g. to allow another suffix) and re-issue every certificate
  --suffix <s>      with rotate: a suffix to allow in addition to the current ones, e.g. .dev.internal`,
  options: { suffix: { type: 'string', multiple: true } },
  positionals: { min: 0, max: 1 },
  async run({ positionals, values }, context) {
    const action = positionals[0] ?? 'show';
    const service = await openService(context);
    let view: CaView;
    if (action === 'show') {
      if (values.suffix) throw new UsageError('--suffix goes with "portico ca rotate"');
      view = await service.call('ca.get', {});
    } else if (action === 'rotate') {
      view = await service.call('ca.rotate', { addSuffixes: (values.suffix as string[] | undefined) ?? [] });
    } else {
      throw new UsageError(`unknown action "${action}": use show or rotate`);
    }
    if (values.json) printJson(context.output, view);
    else context.output.out(`${view.created ? 'Created a new local CA.\n' : ''}${describeCa(view)}`);
    return 0;
  },
};

const cert: Command = {
  name: 'cert',
  summary: "show a project's certificate, issuing or renewing it when needed",
  usage: 'portico cert <name> [--json]',
  options: {},
  positionals: { min: 1, max: 1 },
  async run({ positionals, values }, context) {
    const view = await (await openService(context)).call('certs.get', { name: positionals[0] ?? '' });
    if (values.json) printJson(context.output, view);
    else context.output.out(`${view.issued ? 'Issued a new certificate.\n' : ''}${describeCert(view)}`);
    return 0;
  },
};

export const caCommands: Command[] = [ca, cert];
