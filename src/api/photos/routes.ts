import { z } from 'zod';
import { findPhoto, listPhotos } from '../../db/queries/photos';
import { judgePhotoUpload } from '../../domain/photos';
import { addPhoto, removePhoto } from '../../use-cases/photos';
import { idParam } from '../common/schemas';
import { conflict, forbidden, notFound, validationFailed } from '../errors';
import { visibleRepair } from '../repairs/moves';
import { defineRoute, zodFields, type AnyRoute } from '../route';
import { readPhotoForm } from './multipart';
import { presentPhoto } from './present';
import { photoParams, photoQuery, photoSchema, uploadBody, uploadFields } from './schema';

const ALL = ['customer', 'technician', 'admin'] as const;

export const photoRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/repairs/:id/photos',
    tag: 'photos',
    summary:
      'Add a photo (multipart: file, kind, caption?): the assigned technician and admins any time, the customer’s users while ' +
      'the repair is REQUESTED. JPEG, PNG or WebP by content; re-encoded without metadata (no location) and thumbnailed',
    access: ALL,
    params: idParam,
    consumes: 'multipart/form-data',
    documentedBody: uploadBody,
    status: 201,
    response: photoSchema,
    errors: [404, 409, 503],
    handler: async ({ params, user, ctx }, deps) => {
      const repair = await visibleRepair(deps, user, params.id);
      // Judged before the body is read, so a refused upload costs no bandwidth; judged again with the insert.
      const verdict = judgePhotoUpload(user, repair);
      if (verdict !== 'ok') {
        ctx.set('Connection', 'close');
        if (verdict === 'forbidden') throw forbidden('You may not add photos to this repair');
        throw conflict('A customer may add photos only while the repair is REQUESTED');
      }
      const form = await readPhotoForm(ctx, deps.config.photos.maxBytes);
      const parsed = uploadFields.safeParse(form.fields);
      const problems = parsed.success ? {} : zodFields(parsed.error, 'body', form.fields);
      if (!form.file) problems.file = 'is required';
      else if (!form.file.data.length) problems.file = 'is empty';
      if (!parsed.success || !form.file || Object.keys(problems).length) throw validationFailed(problems);
      const photo = await addPhoto(deps, { ...user, userId: user.id }, repair.id, { ...parsed.data, data: form.file.data });
      return presentPhoto(photo);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/repairs/:id/photos',
    tag: 'photos',
    summary: 'The photos of a repair, oldest first (whoever may see the repair)',
    access: ALL,
    params: idParam,
    response: z.object({ items: z.array(photoSchema) }),
    errors: [404],
    handler: async ({ params, user }, deps) => {
      const repair = await visibleRepair(deps, user, params.id);
      return { items: (await listPhotos(deps.db.knex, repair.id)).map(presentPhoto) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/repairs/:id/photos/:photoId',
    tag: 'photos',
    summary: 'The image itself, in its own content type: the original, or with size=thumb the WebP thumbnail',
    access: ALL,
    params: photoParams,
    query: photoQuery,
    produces: 'image/*',
    errors: [404],
    handler: async ({ params, query, user, ctx }, deps) => {
      const repair = await visibleRepair(deps, user, params.id);
      const photo = await findPhoto(deps.db.knex, repair.id, params.photoId);
      const thumb = query.size === 'thumb';
      // A photo deleted between the two reads is gone: 404, as after the delete.
      const object = photo && (await deps.photoStorage.get(thumb ? photo.thumbKey : photo.originalKey));
      if (!photo || !object) throw notFound('Photo');
      ctx.type = thumb ? photo.thumbContentType : photo.contentType;
      ctx.length = object.bytes;
      // An id's image never changes (a new upload is a new id); only the caller's browser may keep it.
      ctx.set('Cache-Control', 'private, max-age=86400, immutable');
      ctx.set('X-Content-Type-Options', 'nosniff');
      return object.body;
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/repairs/:id/photos/:photoId',
    tag: 'photos',
    summary:
      'Delete a photo and its stored image: admins and the assigned technician any photo; a customer user only one they uploaded, ' +
      'while the repair is REQUESTED',
    access: ALL,
    params: photoParams,
    status: 204,
    errors: [404, 409, 503],
    handler: async ({ params, user }, deps) => {
      const repair = await visibleRepair(deps, user, params.id);
      await removePhoto(deps, { ...user, userId: user.id }, repair.id, params.photoId);
      return undefined;
    },
  }),
];
