import type { MessageAttributes, MessageAttributeValue, StringMap } from '../../engine/types.js';
import { invalidParameter, missingMember, SnsError } from '../../topics/errors.js';
import { decodeBase64 } from '../binary.js';
import { parseFormParams } from '../body.js';
import type { HttpRequest } from '../http.js';
import { type ParamNode, paramTree } from '../query-fields.js';

/**
 * SNS's Query parameters: lists as `Name.member.N`, maps as `Name.entry.N.key` / `.value` (message attributes:
 * `.Name` / `.Value.DataType`, ...). Parameters become a tree once, so a huge index allocates nothing. Readers check
 * shape only and fail with SNS's own errors; the engine checks values.
 */

const INDEX = /^[1-9][0-9]{0,5}$/;

export class SnsParams {
  private constructor(
    private readonly node: ParamNode,
    /** How SNS's validation names the structure in messages: `publishBatchRequestEntries.1.member.`. */
    private readonly memberPrefix: string,
  ) {}

  /** The request's parameters from the query string and the form body (a body parameter wins). */
  static fromRequest(request: HttpRequest): SnsParams {
    const params = [...parseFormParams(request.query ?? ''), ...parseFormParams(request.body)];
    return new SnsParams(paramTree(params), '');
  }

  string(name: string): string | undefined {
    return this.node.children.get(name)?.value;
  }

  /** A required member: absent is SNS's ValidationError naming it in camelCase. */
  required(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw missingMember(`${this.memberPrefix}${camel(name)}`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (value === 'true' || value === 'false') return value === 'true';
    throw invalidParameter(name);
  }

  /** `Name.member.N` values, in index order. */
  stringList(name: string): string[] | undefined {
    return this.members(name)?.flatMap(([, node]) => (node.value === undefined ? [] : [node.value]));
  }

  /** `Name.member.N.*` structures, in index order. */
  structList(name: string): SnsParams[] | undefined {
    return this.members(name)?.map(
      ([index, node]) => new SnsParams(node, `${this.memberPrefix}${camel(name)}.${index}.member.`),
    );
  }

  /** `Name.entry.N.key` / `.value` pairs; an entry without its key is refused. */
  stringMap(name: string): StringMap | undefined {
    const entries = this.entries(name);
    if (entries === undefined) return undefined;
    const map: Record<string, string> = Object.create(null);
    for (const entry of entries) {
      const key = entry.string('key');
      if (key === undefined) throw invalidParameter(`${name} Reason: an entry has no key`);
      map[key] = entry.string('value') ?? '';
    }
    return map;
  }

  /** `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` / `.Value.BinaryValue`. */
  messageAttributes(name = 'MessageAttributes'): MessageAttributes | undefined {
    const entries = this.entries(name);
    if (entries === undefined) return undefined;
    const map: Record<string, MessageAttributeValue> = Object.create(null);
    for (const entry of entries) {
      const attributeName = entry.string('Name');
      if (attributeName === undefined) throw invalidParameter(`${name} Reason: an entry has no Name`);
      const value = entry.child('Value');
      const dataType = value.string('DataType');
      if (dataType === undefined) {
        throw missingMember(`${this.memberPrefix}messageAttributes.${attributeName}.member.dataType`);
      }
      const stringValue = value.string('StringValue');
      const binaryText = value.string('BinaryValue');
      let binaryValue: Uint8Array | undefined;
      if (binaryText !== undefined) {
        binaryValue = decodeBase64(binaryText);
        if (binaryValue === undefined) {
          throw new SnsError(
            'ParameterValueInvalid',
            `The message attribute '${attributeName}' has an invalid binary value: it must be base64-encoded.`,
          );
        }
      }
      map[attributeName] = {
        dataType,
        ...(stringValue === undefined ? {} : { stringValue }),
        ...(binaryValue === undefined ? {} : { binaryValue }),
      };
    }
    return map;
  }

  private child(name: string): SnsParams {
    return new SnsParams(this.node.children.get(name) ?? { children: new Map() }, this.memberPrefix);
  }

  private members(name: string): [string, ParamNode][] | undefined {
    return indexed(this.node.children.get(name)?.children.get('member'), this.node.children.has(name));
  }

  private entries(name: string): SnsParams[] | undefined {
    const list = indexed(this.node.children.get(name)?.children.get('entry'), this.node.children.has(name));
    return list?.map(([, node]) => new SnsParams(node, this.memberPrefix));
  }
}

/** The children `1`, `2`, ... in numeric order; `[]` when only `Name=` was sent (an empty list). */
function indexed(list: ParamNode | undefined, named: boolean): [string, ParamNode][] | undefined {
  if (list === undefined) return named ? [] : undefined;
  return [...list.children].filter(([index]) => INDEX.test(index)).sort(([a], [b]) => Number(a) - Number(b));
}

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
