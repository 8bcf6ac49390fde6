import { UnsupportedOperation } from '../../engine/errors.js';
import type { MessageAttributes, MessageAttributeValue } from '../../engine/types.js';
import { encodeBase64 } from '../binary.js';
import type { ListName, MapName, WireFields } from '../fields.js';
import { element, optionalTextElement, textElement } from '../xml.js';

/** `MessageAttributes` / `MessageAttribute.N.Name` + `MessageAttribute.N.Value.*`. */
export const MESSAGE_ATTRIBUTES: MapName = {
  json: 'MessageAttributes',
  query: 'MessageAttribute',
  key: 'Name',
  value: 'Value',
};

/** `MessageSystemAttributes` / `MessageSystemAttribute.N.Name` + `MessageSystemAttribute.N.Value.*`. */
export const MESSAGE_SYSTEM_ATTRIBUTES: MapName = {
  json: 'MessageSystemAttributes',
  query: 'MessageSystemAttribute',
  key: 'Name',
  value: 'Value',
};

const STRING_LIST_VALUES: ListName = { json: 'StringListValues', query: 'StringListValue' };
const BINARY_LIST_VALUES: ListName = { json: 'BinaryListValues', query: 'BinaryListValue' };

/**
 * A map of message attribute values. A missing `DataType` is passed on as `''` for the engine to reject in SQS's
 * words, like an empty one. List values are reserved in the model and SQS rejects them, so they are too.
 */
export function decodeMessageAttributes(fields: WireFields, name: MapName): MessageAttributes | undefined {
  const entries = fields.structMap(name);
  if (entries === undefined) return undefined;
  const attributes: Record<string, MessageAttributeValue> = Object.create(null);
  for (const [attributeName, value] of entries) {
    if (hasItems(value.stringList(STRING_LIST_VALUES)) || hasItems(value.stringList(BINARY_LIST_VALUES))) {
      throw new UnsupportedOperation(
        'Message attribute list values in SendMessage operation are not supported.',
      );
    }
    const stringValue = value.string('StringValue');
    const binaryValue = value.blob('BinaryValue');
    attributes[attributeName] = {
      dataType: value.string('DataType') ?? '',
      ...(stringValue === undefined ? {} : { stringValue }),
      ...(binaryValue === undefined ? {} : { binaryValue }),
    };
  }
  return attributes;
}

function hasItems(list: readonly string[] | undefined): boolean {
  return list !== undefined && list.length > 0;
}

/** Message attributes as JSON: binary values in base64; undefined when there are none, as SQS leaves them out. */
export function messageAttributesToJson(
  attributes: MessageAttributes,
): Record<string, Record<string, string>> | undefined {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return undefined;
  const json: Record<string, Record<string, string>> = Object.create(null);
  for (const [name, value] of entries) {
    json[name] = {
      DataType: value.dataType,
      ...(value.stringValue === undefined ? {} : { StringValue: value.stringValue }),
      ...(value.binaryValue === undefined ? {} : { BinaryValue: encodeBase64(value.binaryValue) }),
    };
  }
  return json;
}

/** `<MessageAttribute><Name/><Value><StringValue/><DataType/></Value></MessageAttribute>` per attribute. */
export function messageAttributesToQuery(attributes: MessageAttributes): string {
  return Object.entries(attributes)
    .map(([name, value]) => {
      const valueXml =
        optionalTextElement('StringValue', value.stringValue) +
        optionalTextElement(
          'BinaryValue',
          value.binaryValue === undefined ? undefined : encodeBase64(value.binaryValue),
        ) +
        textElement('DataType', value.dataType);
      return element(MESSAGE_ATTRIBUTES.query, textElement('Name', name) + element('Value', valueXml));
    })
    .join('');
}
