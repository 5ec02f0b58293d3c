/**
 * Input validation in words: one whole sentence per field and problem, for the sign-in prompts (src/ui/prompts.ts)
 * and for a ValidationError that reaches describeError (src/ui/errors/sessionErrors.ts).
 */
import * as vscode from 'vscode';
import type { InputField, ValidationProblem } from '../../core/errors';

/**
 * One whole sentence per field and problem (a translator cannot make a field name agree with a sentence it is
 * spliced into). Only an organization id can be "not a GUID". A few sentences per call are built and one is kept.
 */
export function validationMessage(field: InputField, problem: ValidationProblem): string {
  if (problem === 'notGuid') {
    return vscode.l10n.t(
      'The Organization id must be a GUID such as 3f5d9a12-7c41-4e8b-9b0d-2a6e4c1f8b73: paste it from the organization settings, or leave it empty.',
    );
  }
  switch (field) {
    case 'pat':
      return {
        empty: vscode.l10n.t('Enter the Personal Access Key (Personal API Token).'),
        whitespace: vscode.l10n.t('The Personal Access Key contains only spaces. Paste the value itself.'),
        controlCharacters: vscode.l10n.t(
          'The Personal Access Key contains line breaks or control characters. Paste it again as a single line.',
        ),
        tooLong: vscode.l10n.t('The Personal Access Key is longer than 4 KB, which no Appcircle credential is. Check what you pasted.'),
      }[problem];
    case 'apiKeyName':
      return {
        empty: vscode.l10n.t('Enter the API key name.'),
        whitespace: vscode.l10n.t('The API key name contains only spaces. Paste the value itself.'),
        controlCharacters: vscode.l10n.t('The API key name contains line breaks or control characters. Paste it again as a single line.'),
        tooLong: vscode.l10n.t('The API key name is longer than 4 KB, which no Appcircle credential is. Check what you pasted.'),
      }[problem];
    case 'apiKeySecret':
      return {
        empty: vscode.l10n.t('Enter the API key secret.'),
        whitespace: vscode.l10n.t('The API key secret contains only spaces. Paste the value itself.'),
        controlCharacters: vscode.l10n.t('The API key secret contains line breaks or control characters. Paste it again as a single line.'),
        tooLong: vscode.l10n.t('The API key secret is longer than 4 KB, which no Appcircle credential is. Check what you pasted.'),
      }[problem];
    case 'organizationId':
      return {
        empty: vscode.l10n.t('Enter the Organization id.'),
        whitespace: vscode.l10n.t('The Organization id contains only spaces. Paste the value itself.'),
        controlCharacters: vscode.l10n.t(
          'The Organization id contains line breaks or control characters. Paste it again as a single line.',
        ),
        tooLong: vscode.l10n.t('The Organization id is longer than 4 KB, which no Appcircle credential is. Check what you pasted.'),
      }[problem];
    case 'accessToken':
      return {
        empty: vscode.l10n.t('Enter the Access token.'),
        whitespace: vscode.l10n.t('The Access token contains only spaces. Paste the value itself.'),
        controlCharacters: vscode.l10n.t('The Access token contains line breaks or control characters. Paste it again as a single line.'),
        tooLong: vscode.l10n.t('The Access token is longer than 4 KB, which no Appcircle credential is. Check what you pasted.'),
      }[problem];
  }
}
